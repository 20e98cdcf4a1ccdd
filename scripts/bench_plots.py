"""PNG plots for `bench_report.py`: latency by percentile and CDF from HdrHistogram `.hgrm`
files, and the cost-growth figure of the end-to-end harness (matplotlib, imported on use)."""

from __future__ import annotations

from pathlib import Path

def parse_hgrm(path: Path) -> list[tuple[float, float, int]]:
    """(value µs, percentile, cumulative count) lines of an HdrHistogram percentile file."""
    points = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) < 3 or line.startswith("#"):
            continue
        try:
            points.append((float(parts[0]), float(parts[1]), int(parts[2])))
        except ValueError:
            continue
    return points


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_latency(series: list[tuple[str, Path]], png: Path, title: str) -> bool:
    """Latency by percentile (HdrHistogram style) and the histogram, side by side."""
    series = [(label, p) for label, p in series if p.exists()]
    if not series:
        return False
    plt = _pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
    for label, path in series:
        pts = parse_hgrm(path)
        xs = [1 / (1 - q) for _, q, _ in pts if q < 1]
        ys = [v for v, q, _ in pts if q < 1]
        left.plot(xs, ys, label=label, linewidth=1.4)
        right.step([v for v, _, _ in pts], [q for _, q, _ in pts], where="post", label=label,
                   linewidth=1.4)
    left.set_xscale("log")
    left.set_yscale("log")
    ticks = [2, 10, 100, 1000, 10000]
    left.set_xticks(ticks, ["50%", "90%", "99%", "99.9%", "99.99%"])
    left.set_xlabel("percentile")
    left.set_ylabel("latency (µs)")
    left.set_title(f"{title}: latency by percentile")
    left.grid(True, which="both", alpha=0.3)
    right.set_xscale("log")
    right.set_xlabel("latency (µs)")
    right.set_ylabel("fraction of messages ≤ latency (CDF)")
    right.set_title(f"{title}: CDF")
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True


def growth_points(e2e: dict, ids: list[tuple[int, str, str]]) -> list[dict]:
    """Per x: median p50 / worst p99 over readers of the latency run, slowest reader's rate."""
    scen = {s["id"]: s for s in e2e.get("scenarios", [])}
    points = []
    for x, lat_id, thr_id in ids:
        lat, thr = scen.get(lat_id), scen.get(thr_id)
        p = {"x": x, "latency": lat, "throughput": thr}
        if lat and lat["readers"]:
            ok = [r for r in lat["readers"] if not r.get("error")]
            p50s = sorted(r["p50"] for r in ok)
            p["p50"] = p50s[len(p50s) // 2] if p50s else None
            p["p99"] = max((r["p99"] for r in ok), default=None)
            p["p999"] = max((r["p999"] for r in ok), default=None)
        if thr and thr["readers"]:
            p["rate"] = min(r["throughput"] for r in thr["readers"])
            p["lost"] = sum(r["lost"] for r in thr["readers"])
            p["zero_loss"] = all(r["zero_loss"] for r in thr["readers"])
            cpu = thr.get("feed_cpu_ns")
            p["feed_cpu_ms_per_m"] = cpu / 1e6 / (thr["count"] / 1e6) if cpu else None
        points.append(p)
    return points


def plot_growth(markets: list[dict], readers: list[dict], png: Path) -> bool:
    if not any("p50" in p for p in markets + readers):
        return False
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
    for ax, points, xlabel in ((axes[0], markets, "subscribed markets"),
                               (axes[1], readers, "rust readers")):
        xs = [p["x"] for p in points if p.get("p50")]
        for key, style in (("p50", "o-"), ("p99", "s--"), ("p999", "^:")):
            ax.plot(xs, [p[key] / 1e3 for p in points if p.get("p50")], style,
                    label=f"latency {key.replace('p999', 'p99.9')} (µs)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.set_xlabel(xlabel)
        ax.set_ylabel("frame received → record visible (µs)")
        ax.grid(True, which="both", alpha=0.3)
        twin = ax.twinx()
        rx = [p["x"] for p in points if p.get("rate")]
        twin.plot(rx, [p["rate"] / 1e6 for p in points if p.get("rate")], "kD-",
                  label="full-speed throughput (M msg/s)")
        twin.set_ylabel("M msg/s (slowest reader)")
        twin.set_ylim(bottom=0)
        lines = ax.get_legend_handles_labels()
        lines2 = twin.get_legend_handles_labels()
        ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=7, loc="upper left")
        ax.set_title(f"cost growth with {xlabel}")
    fig.tight_layout()
    png.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(png, dpi=110)
    plt.close(fig)
    return True
