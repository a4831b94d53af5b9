#!/usr/bin/env bash
# Publishes the load figures of docs/benchmarks.md: the Ohm CSMS (Release) on SQLite or PostgreSQL, driven by
# `ohm bench` from a second process on the same machine.
#   bench/load/run.sh sqlite|postgres [idle|idle-nozip|heartbeat|transactions|transactions-nozip] ...
# Results go to bench/load/results/.
# Each run starts a fresh CSMS with an empty database, waits for it, runs the bench with --server-pid, stops it.
# Nothing is left behind but the results: each run's data folder is removed after it, the throwaway PostgreSQL
# cluster (with the run's databases) at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${1:?sqlite or postgres}
shift
runs=${*:-idle heartbeat transactions}
out=bench/load/results
mkdir -p "$out"
dotnet build -c Release src/Ohm.Cli -v q -nologo >/dev/null
ohm="dotnet src/Ohm.Cli/bin/Release/net10.0/ohm.dll"
stations_idle=${OHM_IDLE_STATIONS:-19000}
# Other ports let a second checkout run its own load figures at the same time.
ocpp_port=${OHM_LOAD_OCPP_PORT:-9000}
api_port=${OHM_LOAD_API_PORT:-8080}

pg_dir=""
data=""
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [ -n "$data" ] && rm -rf "$data" || true
  [ -n "$pg_dir" ] && .ci/postgres stop "$pg_dir" || true
}
trap cleanup EXIT

start_csms() {
  local args
  data=$(mktemp -d /tmp/ohm-load.XXXXXX)
  args=(csms --accept-unknown --ocpp-url http://127.0.0.1:$ocpp_port --api-url http://127.0.0.1:$api_port --data "$data")
  if [ "$db" = postgres ]; then
    if [ -z "$pg_dir" ]; then eval "$(.ci/postgres start)"; pg_dir=$OHM_TEST_POSTGRES_DIR; fi
    name="ohm_load_$RANDOM"
    port=$(printf '%s' "$OHM_TEST_POSTGRES" | sed -n 's/.*Port=\([0-9]*\).*/\1/p')
    psql "host=127.0.0.1 port=$port user=ohm dbname=postgres" -qc "CREATE DATABASE $name" >/dev/null
    args+=(--db "Host=127.0.0.1;Port=$port;Username=ohm;Database=$name;Maximum Pool Size=20")
  fi
  OHM__Ocpp__KeepAliveSeconds=120 $ohm "${args[@]}" >"$out/csms-$db.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$api_port/health >/dev/null && return 0; sleep 0.2; done
  echo "the CSMS did not start; see $out/csms-$db.log" >&2
  exit 1
}

for run in $runs; do
  start_csms
  case "$run" in
    idle)         bench=(--stations "$stations_idle" --ramp 1000 --duration 30s --mix idle) ;;
    idle-nozip)   bench=(--stations "$stations_idle" --ramp 1000 --duration 30s --mix idle --compression off) ;;
    heartbeat)    bench=(--stations 200 --ramp 500 --warmup 20s --duration 30s --mix heartbeat) ;;
    transactions) bench=(--stations 200 --ramp 500 --warmup 20s --duration 30s --mix transactions) ;;
    transactions-nozip) bench=(--stations 200 --ramp 500 --warmup 20s --duration 30s --mix transactions --compression off) ;;
    *) echo "unknown run $run" >&2; exit 2 ;;
  esac
  echo "== $db $run: ohm bench ${bench[*]}" >&2
  $ohm bench --url ws://127.0.0.1:$ocpp_port/ocpp --server-pid "$server" --out "$out/$db-$run.json" "${bench[@]}"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  rm -rf "$data"; data=""
done
