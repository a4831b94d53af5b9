#!/usr/bin/env bash
# Publishes the cluster figures of docs/benchmarks.md (#cluster): three `ohm csms --cluster` nodes (Release) on this
# machine sharing a throwaway PostgreSQL, driven by `ohm bench` with every node's URL.
#   bench/cluster/run.sh [heartbeat] [transactions] [held] [api] [kill]      (default: all five, in that order)
# - heartbeat, transactions: 300 stations (100 a node), 10 s warm-up, 20 s measured; per node and in total.
# - held: idle connections held in total by two bench processes (OHM_HELD_STATIONS each, default 12000, at OHM_HELD_RAMP
#   a second each, default 100; faster, the three nodes and the benches starve on two cores), so that no
#   process, bench or node, comes near the 20,000 open files it may hold); one node holds a third.
# - api: a station connected to node 1 only; 300 GetVariables through node 1's API (local) and 300 through node 2's
#   (across the nodes), on one kept-alive HTTP connection each (curl); the mean, p50 and p99 of each.
# - kill: 900 idle stations, kill -9 of node 1 after 15 s; the bench's one-second samples after the kill show when all
#   900 are connected again.
# Results go to bench/cluster/results/ (not committed). Nothing else is left behind: the nodes are stopped, their data
# folders and the PostgreSQL cluster removed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${*:-heartbeat transactions held api kill}
out=bench/cluster/results
mkdir -p "$out"
if ! build=$(dotnet build -c Release src/Ohm.Cli -v q -nologo 2>&1); then printf '%s\n' "$build" >&2; exit 1; fi
ohm="dotnet src/Ohm.Cli/bin/Release/net10.0/ohm.dll"
held=${OHM_HELD_STATIONS:-12000}
held_ramp=${OHM_HELD_RAMP:-100} # connections a second, each bench process
base=${OHM_CLUSTER_PORT_BASE:-9200} # OCPP base+1..3, API base+11..13, silo base+21..23, gateway base+31..33

pg_dir=""
root=$(mktemp -d /tmp/ohm-cluster-bench.XXXXXX)
declare -a pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$root"
  [ -n "$pg_dir" ] && .ci/postgres stop "$pg_dir" >/dev/null || true
}
trap cleanup EXIT

eval "$(.ci/postgres start)"
pg_dir=$OHM_TEST_POSTGRES_DIR
pg_port=$(printf '%s' "$OHM_TEST_POSTGRES" | sed -n 's/.*Port=\([0-9]*\).*/\1/p')

urls=()
for n in 1 2 3; do urls+=(--url "ws://127.0.0.1:$((base + n))/ocpp"); done
api() { printf 'http://127.0.0.1:%d' $((base + 10 + $1)); }

wait_ready() { # node
  for _ in $(seq 1 300); do curl -sf "$(api "$1")/health/ready" >/dev/null && return 0; sleep 0.2; done
  echo "node $1 did not become ready; see $out/node$1.log" >&2
  exit 1
}

start_node() { # node database
  local n=$1
  mkdir -p "$root/node$n"
  OHM__Cluster__ClusterId="bench-$2" OHM__Cluster__SiloPort=$((base + 20 + n)) OHM__Cluster__GatewayPort=$((base + 30 + n)) \
    OHM__Ocpp__KeepAliveSeconds=120 \
    $ohm csms --cluster --accept-unknown --db "Host=127.0.0.1;Port=$pg_port;Username=ohm;Database=$2;Maximum Pool Size=20" \
      --ocpp-url "http://127.0.0.1:$((base + n))" --api-url "$(api "$n")" --data "$root/node$n" >"$out/node$n-$2.log" 2>&1 &
  pids[$n]=$!
}

# A fresh database and three fresh nodes for each run: node 1 first (it migrates), then the others.
start_cluster() {
  stop_cluster
  local name="ohm_cluster_$1_$RANDOM"
  psql "host=127.0.0.1 port=$pg_port user=ohm dbname=postgres" -qc "CREATE DATABASE $name" >/dev/null
  start_node 1 "$name"; wait_ready 1
  start_node 2 "$name"; start_node 3 "$name"; wait_ready 2; wait_ready 3
  sleep 3 # the membership settles (each node sees the others) before the stations come
}

stop_cluster() {
  for n in 1 2 3; do
    if [ -n "${pids[$n]:-}" ]; then kill "${pids[$n]}" 2>/dev/null || true; wait "${pids[$n]}" 2>/dev/null || true; pids[$n]=""; fi
  done
}

# The mean, p50 and p99 in ms of the seconds in file $1, one a line.
stats() { sort -n "$1" | awk '{ v[NR] = $1 * 1000; s += $1 * 1000 } END { printf "mean %.2f ms, p50 %.2f ms, p99 %.2f ms (%d calls)\n", s / NR, v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], NR }'; }

for run in $runs; do
  echo "== $run" >&2
  start_cluster "$run"
  case "$run" in
    heartbeat|transactions)
      $ohm bench "${urls[@]}" --stations 300 --ramp 300 --warmup 10s --duration 20s --mix "$run" --out "$out/$run.json"
      ;;
    held)
      $ohm bench "${urls[@]}" --stations "$held" --ramp "$held_ramp" --duration 30s --mix idle --id-prefix HELDA --out "$out/held-a.json" &
      a=$!
      $ohm bench "${urls[@]}" --stations "$held" --ramp "$held_ramp" --duration 30s --mix idle --id-prefix HELDB --out "$out/held-b.json" &
      b=$!
      # Every 5 s while they run: each node's open files and memory; the sample with the most open files in all is kept.
      best=0
      while kill -0 "$a" 2>/dev/null || kill -0 "$b" 2>/dev/null; do
        sample=$(for n in 1 2 3; do echo "node $n: $(ls /proc/"${pids[$n]}"/fd | wc -l) open files, RSS $(awk '/VmRSS/ { print $2 / 1024 " MiB" }' /proc/"${pids[$n]}"/status)"; done)
        total=$(awk '{ t += $3 } END { print t }' <<<"$sample")
        if ((total > best)); then best=$total; printf '%s\n' "$sample" >"$out/held-nodes.txt"; fi
        sleep 5
      done
      wait "$a"; wait "$b"
      cat "$out/held-nodes.txt"
      ;;
    api)
      tail -f /dev/null | $ohm station --id PROBE --url "ws://127.0.0.1:$((base + 1))/ocpp" --data "$root/probe" >"$out/probe.log" 2>&1 &
      probe=$!
      pids[4]=$probe
      body='{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}'
      for _ in $(seq 1 300); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "$(api 2)/api/stations/PROBE/commands/get-variables")" = 200 ] && break
        sleep 0.2
      done
      for n in 1 2; do
        target="$(api "$n")/api/stations/PROBE/commands/get-variables"
        args=()
        for _ in $(seq 1 320); do args+=(-o /dev/null "$target"); done
        curl -s -H 'Content-Type: application/json' -d "$body" -w '%{http_code} %{time_total}\n' "${args[@]}" | tail -n 300 >"$out/api-node$n.txt"
        if grep -qv '^200 ' "$out/api-node$n.txt"; then echo "node $n answered other than 200:" >&2; sort "$out/api-node$n.txt" | cut -d' ' -f1 | uniq -c >&2; fi
        cut -d' ' -f2 "$out/api-node$n.txt" >"$out/api-node$n.seconds"
        echo "through node $n ($([ "$n" = 1 ] && echo local || echo 'across nodes')): $(stats "$out/api-node$n.seconds")"
      done | tee "$out/api.txt"
      kill "$probe" 2>/dev/null || true; pids[4]=""
      ;;
    kill)
      $ohm bench "${urls[@]}" --stations 900 --ramp 300 --duration 40s --mix idle --id-prefix KILL --out "$out/kill.json" 2>&1 | tee "$out/kill-progress.txt" &
      bench=$!
      sleep 22 # the ramp (3 s) and 15 s of holding, plus the bench's start
      date +%s.%N >"$out/kill-at.txt"
      kill -9 "${pids[1]}"; pids[1]=""
      echo "killed node 1" >&2
      wait "$bench" || true
      ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
done
stop_cluster
