#!/usr/bin/env python3
"""Draws docs/images/site-allocation.svg from the CSV the site test writes (OHM_SITE_PLOT_CSV).

    OHM_SITE_PLOT_CSV=/tmp/site.csv dotnet test tests/Ohm.Station.Tests --filter "FullyQualifiedName~ten_stations"
    python3 docs/tools/plot-site.py /tmp/site.csv docs/images/site-allocation.svg

Uses matplotlib when it is installed, else writes the SVG itself (no dependencies). The picture: what each EVSE drew
(stacked, from the stations' clock-aligned meter values), the site's total allocation, and the limit.
"""
import csv
import sys


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    meas = [k for k in rows[0] if k.startswith("meas_")]
    return rows, meas


def with_matplotlib(rows, meas, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    t = [float(r["t_s"]) for r in rows]
    fig, ax = plt.subplots(figsize=(10, 5))
    ax.stackplot(t, [[float(r[k]) for r in rows] for k in meas], step="post", alpha=0.8)
    ax.step(t, [float(r["total_allocated"]) for r in rows], where="post", color="black", label="allocated (total)")
    ax.step(t, [float(r["limit"]) for r in rows], where="post", color="red", linestyle="--", label="site limit")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("A per phase")
    ax.legend(loc="upper left")
    fig.savefig(out, format="svg")


def plain_svg(rows, meas, out):
    w, h, left, right, top, bottom = 900, 460, 60, 20, 30, 50
    t = [float(r["t_s"]) for r in rows]
    t_max = max(t) + (t[1] - t[0] if len(t) > 1 else 10)
    y_max = max(max(float(r["limit"]) for r in rows), max(float(r["total_allocated"]) for r in rows)) * 1.1
    x = lambda v: left + (w - left - right) * v / t_max
    y = lambda v: h - bottom - (h - top - bottom) * v / y_max
    colors = ["#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#e15759"]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14">Site "depot": 10 stations, 20 EVSEs; what each EVSE drew (stacked), the allocation and the limit</text>']
    # Axes and grid.
    step = 25 if y_max <= 250 else 50
    v = 0
    while v <= y_max:
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{w - right}" y2="{y(v):.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>')
        v += step
    for s in range(0, int(t_max) + 1, 60):
        parts.append(f'<text x="{x(s):.1f}" y="{h - bottom + 16}" text-anchor="middle">{s}</text>')
    parts.append(f'<text x="{(w) / 2}" y="{h - 12}" text-anchor="middle">time (s, fake clock)</text>')
    parts.append(f'<text x="14" y="{h / 2}" transform="rotate(-90 14 {h / 2})" text-anchor="middle">A per phase</text>')
    # Stacked steps of what each EVSE drew.
    base = [0.0] * len(rows)
    for i, k in enumerate(meas):
        top_line = [base[j] + float(r[k]) for j, r in enumerate(rows)]
        pts = []
        for j in range(len(rows)):
            t1 = t[j + 1] if j + 1 < len(rows) else t_max
            pts += [(x(t[j]), y(top_line[j])), (x(t1), y(top_line[j]))]
        for j in reversed(range(len(rows))):
            t1 = t[j + 1] if j + 1 < len(rows) else t_max
            pts += [(x(t1), y(base[j])), (x(t[j]), y(base[j]))]
        parts.append('<polygon fill="%s" fill-opacity="0.85" stroke="none" points="%s"/>' % (colors[i % len(colors)], " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)))
        base = top_line

    def steps(key, color, dash):
        pts = []
        for j, r in enumerate(rows):
            t1 = t[j + 1] if j + 1 < len(rows) else t_max
            pts += [(x(t[j]), y(float(r[key]))), (x(t1), y(float(r[key])))]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="{dash}" points="' + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')

    steps("total_allocated", "black", "")
    steps("limit", "red", "6,4")
    parts.append(f'<line x1="{w - 230}" y1="40" x2="{w - 200}" y2="40" stroke="red" stroke-width="2" stroke-dasharray="6,4"/><text x="{w - 195}" y="44">site limit</text>')
    parts.append(f'<line x1="{w - 230}" y1="58" x2="{w - 200}" y2="58" stroke="black" stroke-width="2"/><text x="{w - 195}" y="62">allocated (total)</text>')
    parts.append(f'<rect x="{w - 230}" y="70" width="30" height="10" fill="#4e79a7"/><text x="{w - 195}" y="80">drawn, per EVSE (stacked)</text>')
    parts.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "site-allocation.csv"
    out = sys.argv[2] if len(sys.argv) > 2 else "docs/images/site-allocation.svg"
    rows, meas = read(src)
    try:
        with_matplotlib(rows, meas, out)
    except ImportError:
        plain_svg(rows, meas, out)
    print("wrote", out)


if __name__ == "__main__":
    main()
