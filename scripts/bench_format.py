"""Number formatting, target checks and markdown tables for `bench_report.py`."""

from __future__ import annotations

import re

TIME_UNITS = {"ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def fmt_ns(ns: float | None) -> str:
    if ns is None:
        return "—"
    if ns < 1e3:
        return f"{ns:.0f} ns" if ns >= 10 else f"{ns:.2f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.3g} µs"
    if ns < 1e9:
        return f"{ns / 1e6:.3g} ms"
    return f"{ns / 1e9:.3g} s"


def fmt_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit in TIME_UNITS:
        return fmt_ns(value * TIME_UNITS[unit])
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.3g} {unit}"


def row_ns(row: dict, key: str) -> float | None:
    v = row.get(key)
    return None if v is None else v * TIME_UNITS.get(row.get("unit", "ns"), 1.0)


_CLAUSE = re.compile(r"^(?:(p50|p90|p95|p99\.9|p999|p99|median|mean)\s+)?(≤|<=|<|≥|>=|>)\s*"
                     r"([\d,.]+)\s*(ns|µs|us|ms|s|[a-z]+/s)?")


def evaluate(row: dict) -> str:
    """'met', 'missed', or '—' when the target cannot be checked mechanically."""
    target = row.get("target")
    if not target or row.get("baseline_of"):
        return "—"
    verdicts = []
    for clause in (c.strip() for c in target.split(",")):
        if clause == "none lost":
            if row.get("zero_loss") is not None:
                verdicts.append(bool(row["zero_loss"]))
            continue
        m = _CLAUSE.match(clause)
        if not m:
            continue
        which, op, number, unit = m.groups()
        bound = float(number.replace(",", ""))
        if unit in TIME_UNITS:
            key = {"median": "p50", "p99.9": "p999"}.get(which or "", which or "")
            measured = (row_ns(row, key) if key else None)
            if measured is None:
                measured = row_ns(row, "p50") if row.get("p50") is not None else row_ns(row, "value")
            bound *= TIME_UNITS[unit]
        else:
            measured = row.get("value")
        if measured is None:
            continue
        verdicts.append(measured <= bound if op in ("≤", "<=", "<") else measured >= bound)
    if not verdicts:
        return "—"
    return "met" if all(verdicts) else "**missed**"


def ratio(row: dict, base: dict) -> float | None:
    """How many times better `row` is than its baseline `base` (median or value)."""
    if row.get("p50") and base.get("p50"):
        return row_ns(base, "p50") / row_ns(row, "p50")
    if row.get("value") and base.get("value"):
        if row.get("unit", "").endswith("/s"):
            return row["value"] / base["value"]
        return base["value"] / row["value"]
    return None


# ---- tables -------------------------------------------------------------------------------

def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def result_table(doc: dict) -> str:
    rows = []
    by_case = {r["case"]: r for r in doc.get("rows", [])}
    for r in doc.get("rows", []):
        latency = r.get("p50") is not None
        base = by_case.get(r.get("baseline_of") or "")
        x = ratio(base, r) if base else None
        rows.append([
            r["case"],
            fmt_value(r.get("p50"), r["unit"]) if latency else fmt_value(r.get("value"), r["unit"]),
            fmt_value(r.get("p99"), r["unit"]) if latency else "",
            fmt_value(r.get("p999"), r["unit"]) if latency else "",
            fmt_value(r.get("max"), r["unit"]) if latency and r.get("max") is not None else "",
            f"{r['count']:,}" if isinstance(r.get("count"), int) else "",
            r.get("target") or "—",
            evaluate(r) if not base else versus(x),
        ])
    return table(["case", "median (p50) / value", "p99", "p99.9", "max", "n", "target",
                  "verdict"], rows)


def versus(x: float | None) -> str:
    """The rust path against a baseline row, in words."""
    if not x:
        return "—"
    return f"rust path {x:,.1f}× better" if x >= 1 else f"rust path {1 / x:,.1f}× **worse**"


def failure_text(stage: dict) -> str:
    why = (stage.get("stderr_tail") or "").strip().replace("\n", " ⏎ ")
    return f"**{stage['status']}**: {why[-600:]}" if why else f"**{stage['status']}**"


def criterion_table(crit: list[dict], group: str, names: dict[str, str]) -> str:
    rows = []
    for c in crit:
        if c["group"] != group:
            continue
        label = names.get(c["function"], c["function"])
        extra = ""
        if c.get("elements") and c["elements"] > 1:
            extra = f"{c['elements'] / (c['median_ns'] / 1e9):,.0f} elements/s"
        rows.append([label, fmt_ns(c["median_ns"]),
                     f"{fmt_ns(c['median_lo_ns'])} – {fmt_ns(c['median_hi_ns'])}",
                     fmt_ns(c["mean_ns"]), extra])
    if not rows:
        return "_No criterion results for this group in this run._\n"
    return table(["bench", "median", "95% interval of the median", "mean", "throughput"], rows)
