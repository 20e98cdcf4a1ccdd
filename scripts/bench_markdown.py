"""Writes `tracking/performance-benchmarks.md` for `bench_report.py` from a results directory:
the JSON result files, `criterion.json` and `manifest.json`."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from bench_format import (criterion_table, evaluate, failure_text, fmt_ns, fmt_value, ratio,
                          result_table, table)
from bench_plots import growth_points, plot_growth, plot_latency
from bench_stages import REPO, SCRIPTS, machine

STAGE_COMMANDS = {
    "e2e": "BENCH_PYTHON=.venv/bin/python BENCH_SDK_PYTHON=<sdk venv>/bin/python "
           "cargo bench -p paradex-benches --bench e2e",
}
HEADLINE_HGRM = [
    ("rust reader thread", "e2e-latency-m1-rust0.hgrm"),
    ("python reader (numpy poll)", "e2e-latency-py-python0.hgrm"),
    ("baseline: pure-Python WS + msgspec → QuoteTick", "e2e-baseline-pure-python.hgrm"),
    ("baseline: paradex-py (JSON)", "e2e-baseline-paradex-py.hgrm"),
    ("baseline: paradex-py (SBE)", "e2e-baseline-paradex-py-sbe.hgrm"),
]
RING_HGRM = [("thread → thread", "ring_latency-thread.hgrm"),
             ("process → process", "ring_latency-process.hgrm")]
CRITERION_TARGETS = {  # (group, function) -> (summary label, target on the median)
    ("feed_decode_publish", "sbe_bbo"): ("feed: SBE BBO decode + publish (criterion median)",
                                          "≤ 50 ns"),
    ("exec_sign", "order_fast_template"): ("exec: sign one order (criterion median)", "≤ 100 µs"),
}


INTERPRETERS: dict[str, str] = {}  # interpreter path -> how the record shows it


def command_of(stage: dict | None, results: Path) -> str:
    if not stage or not stage.get("command"):
        return "—"
    cmd = STAGE_COMMANDS.get(stage["name"], stage["command"])
    for path, shown in INTERPRETERS.items():
        cmd = cmd.replace(path, shown)
    return "`" + cmd.replace(str(results), "target/bench-results").replace(str(REPO) + "/", "") + "`"


def summary_rows(docs: dict, crit: list[dict], stages: dict, results: Path) -> list[list[str]]:
    rows = []
    for name, doc in docs.items():
        if not doc:
            continue
        for r in doc.get("rows", []):
            if not r.get("target") or r.get("baseline_of"):
                continue
            if r.get("p50") is not None:
                measured = (f"p50 {fmt_value(r['p50'], r['unit'])}, p99 "
                            f"{fmt_value(r.get('p99'), r['unit'])}, p99.9 "
                            f"{fmt_value(r.get('p999'), r['unit'])}")
                if r.get("p95") is not None:
                    measured += f" (p95 {fmt_value(r['p95'], r['unit'])})"
            else:
                measured = fmt_value(r.get("value"), r["unit"])
                if r.get("zero_loss") is not None:
                    measured += ", none lost" if r["zero_loss"] else ", **messages lost**"
            rows.append([r["case"], measured, r["target"], evaluate(r),
                         command_of(stages.get(name), results)])
    for c in crit:
        key = (c["group"], c["function"])
        if key in CRITERION_TARGETS:
            label, target = CRITERION_TARGETS[key]
            row = {"unit": "ns", "value": c["median_ns"], "target": target}
            rows.append([label, fmt_ns(c["median_ns"]), target, evaluate(row),
                         f"`cargo bench -p paradex-benches --bench {stage_for_group(c['group'])}`"])
        if c["group"] == "exec_rest" and c.get("elements"):
            rate = c["elements"] / (c["median_ns"] / 1e9)
            row = {"unit": "req/s", "value": rate, "target": "≥ 20,000 req/s"}
            rows.append(["exec: REST reads over keep-alive against the mock", f"{rate:,.0f} req/s",
                         "≥ 20,000 req/s", evaluate(row),
                         "`cargo bench -p paradex-benches --bench exec_rest`"])
    return rows


def stage_for_group(group: str) -> str:
    return {"feed_decode_publish": "feed_decode", "ring": "ring_publish"}.get(group, group)


def claim_rows(e2e: dict | None) -> list[list[str]]:
    if not e2e:
        return []
    by_case = {r["case"]: r for r in e2e.get("rows", [])}
    rows = []
    for r in e2e.get("rows", []):
        rust = by_case.get(r.get("baseline_of") or "")
        if not rust:
            continue
        x = ratio(rust, r)
        m = re.search(r"(\d+)×", r.get("target") or "")
        needed = float(m.group(1)) if m else None
        latency = r.get("p50") is not None
        shown = (lambda d: fmt_value(d.get("p50"), d["unit"])) if latency else (
            lambda d: fmt_value(d.get("value"), d["unit"]))
        verdict = "—" if x is None or needed is None else (
            "met" if x >= needed else "**missed**")
        rows.append([r["case"], shown(rust), shown(r), f"{x:,.1f}×" if x else "—",
                     f"≥ {needed:g}×" if needed else "—", verdict])
    return rows


def growth_table(points: list[dict], xlabel: str) -> str:
    rows = []
    for p in points:
        lat, thr = p.get("latency"), p.get("throughput")
        rows.append([
            p["x"],
            fmt_ns(p.get("p50")) if lat else "not run", fmt_ns(p.get("p99")) if lat else "",
            fmt_ns(p.get("p999")) if lat else "",
            f"{p['rate']:,.0f} msg/s" if thr else "not run",
            ("yes" if p.get("zero_loss") else f"**no** ({p.get('lost', 0):,} lapped)") if thr else "",
            f"{p['feed_cpu_ms_per_m']:.0f} ms" if p.get("feed_cpu_ms_per_m") else "—",
        ])
    return table([xlabel, "latency p50", "p99", "p99.9", "full-speed throughput",
                  "zero loss", "feed CPU per 1M msgs"], rows)


def render(results: Path, markdown: Path, plots: Path) -> None:
    def load(name: str) -> dict | None:
        path = results / f"{name}.json"
        try:
            return json.loads(path.read_text()) if path.exists() else None
        except json.JSONDecodeError as e:
            return {"bench": name, "rows": [], "errors": [f"unreadable result file: {e}"]}

    manifest = load("manifest") or {"stages": [], "machine": machine(sys.executable),
                                     "started": "unknown", "seconds": 0, "quick": False}
    crit = json.loads((results / "criterion.json").read_text()) \
        if (results / "criterion.json").exists() else []
    stages = {s["name"]: s for s in manifest["stages"]}
    for key, shown in (("python", ".venv/bin/python"), ("sdk_python", "<sdk venv>/bin/python")):
        if manifest.get(key):
            INTERPRETERS[manifest[key]] = shown
    names = ["e2e", "ring_latency", "feed_throughput", "exec_sign", "exec_state"] + \
        [name for name, *_ in SCRIPTS]
    docs = {name: load(name) for name in names}
    plots.mkdir(parents=True, exist_ok=True)
    for _, f in HEADLINE_HGRM + RING_HGRM:
        if (results / f).exists():
            shutil.copy(results / f, plots / f)
    rel = os.path.relpath(plots, markdown.parent)
    m = manifest["machine"]
    md = [
        "# Performance benchmarks\n",
        "> Generated by `make bench` (`scripts/bench_report.py`) from the JSON result files in "
        "`target/bench-results/`. Do not edit by hand: re-run `make bench`.\n",
        f"Run: {manifest['started']}, {manifest['seconds'] / 60:.1f} min"
        + (" (**quick mode: smoke-test counts, not a record**)" if manifest.get("quick") else "")
        + ".\n",
        table(["machine", ""], [
            ["CPU", f"{m['cpu']}, {m['cores']} cores ({m['usable_cores']} usable)"],
            ["memory", f"{m['memory_gib']} GiB"], ["kernel", m["kernel"]],
            ["rustc", m["rustc"]], ["python", m["python"]], ["git commit", m["commit"]],
            ["load average at start", " ".join(m["loadavg_at_start"])],
        ]),
        "Figures on a shared 2-vCPU VM are noisy: medians repeat within ~10–20 % when the machine "
        "is quiet, tails (p99 and above) are set by the scheduler, and everything is far worse "
        "while other work runs (see the load average above). Run it quietly with "
        "`setsid sh -c 'echo -19 > /proc/$$/autogroup; exec nice -n -19 make bench'`.\n",
        "## Summary against the targets\n",
        table(["what", "measured", "target", "verdict", "reproduce"],
              summary_rows(docs, crit, stages, results)),
        "## Headline claim: against a pure-Python client on the same stream\n",
        "Issue #9's claim: ≥ 100× lower median latency and ≥ 20× higher throughput than "
        "baseline (1), a pure-Python WebSocket client as Nautilus's Python adapters do it. "
        "Ratios are measured in the same run, against the same mock and firehose settings; "
        "each latency row names its start point (see *Start points* below): the claim is "
        "judged on *bytes arrived* (the baseline's fair counterpart of the Rust feed's *frame "
        "received*); the *later start* rows are shown but not comparable.\n",
    ]
    claims = claim_rows(docs["e2e"])
    md.append(table(["baseline", "rust path", "baseline", "ratio", "claim", "verdict"], claims)
              if claims else "_The baselines did not run; see the errors below._\n")
    md.append(render_e2e(docs["e2e"], stages.get("e2e"), plots, rel, results))
    md.append(render_ring(docs["ring_latency"], crit, stages, plots, rel, results))
    md.append(render_feed(docs["feed_throughput"], crit, stages, results))
    md.append(render_exec(docs, crit, stages, results))
    md.append("## Benchmark scripts\n")
    for name, script, *_ in SCRIPTS:
        md.append(render_script(name, script, docs[name], stages.get(name), results))
    md.append("## Every stage of this run\n")
    md.append(table(["stage", "status", "seconds", "command"], [
        [s["name"], s["status"], s.get("seconds", "—"), command_of(s, results)]
        for s in manifest["stages"]]))
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text("\n".join(md))


def errors_block(doc: dict | None, stage: dict | None) -> str:
    out = []
    if stage and stage["status"] != "ok":
        out.append(f"- stage {failure_text(stage)}")
    for e in (doc or {}).get("errors", []):
        out.append(f"- {e}")
    return ("Not measured / failed in this run:\n\n" + "\n".join(out) + "\n") if out else ""


def render_e2e(e2e: dict | None, stage: dict | None, plots: Path, rel: str,
               results: Path) -> str:
    md = ["## End to end: mock → feed → rings → readers (`benches/benches/e2e/`)\n",
          f"Reproduce: {command_of(stage, results)} (writes `e2e.json` and `.hgrm` files into "
          "`target/bench-results/`, or `--out DIR`).\n",
          "`paradex-mock` runs its SBE firehose (BBO frames, round-robin over the subscribed "
          "markets) at a fixed rate and at full speed; the feed handler (`FeedHandle`, one "
          "busy-polling thread pinned to a core) decodes each frame into the BBO ring; readers "
          "are Rust threads (`Reader::try_read`) and Python processes (`paradex_core.RingReader"
          ".poll()` into numpy, `scripts/bench_e2e_reader.py`). The baselines run against the "
          "same mock with the same firehose settings, in JSON mode (Nautilus's Python adapters "
          "and the SDK's default), in a Python process: `scripts/baseline_python_ws.py` "
          "(`websockets` + msgspec + one Nautilus `QuoteTick` per message) and "
          "`scripts/baseline_sdk_ws.py` (`paradex-py` `ParadexWebsocketClient` with "
          "`ws_url_override`, JSON and its own SBE decoding).\n"]
    if not e2e:
        md.append(errors_block(None, stage) or "_Not run._\n")
        return "\n".join(md)
    md.append(result_table(e2e))
    if e2e.get("notes"):
        md.append(f"How it is measured: {e2e['notes']}\n")
    md.append("Start points. *Frame received* (the Rust and Python readers) is the feed "
              "thread's clock right after its socket read and WebSocket frame parse; its fair "
              "counterpart in the baselines is *bytes arrived*: the moment the client library's "
              "asyncio protocol is handed the bytes (`data_received` of the `websockets` "
              "connection, a subclass passed via `create_connection=`; for `paradex-py` its own "
              "`websockets.connect` call is wrapped to pass it), to the object built (pure "
              "Python) or the SDK calling back. The rows marked *later start, not comparable* "
              "start when `recv()` returned the frame, after the library parsed, queued and woke "
              "the coroutine: kept so the change of definition is visible. *Mock send* is the "
              "mock's wall clock in the SBE frame, µs, taken when it encodes the frame right "
              "before writing it: it adds the loopback TCP stack and the client's socket read to "
              "every figure (JSON frames carry ms only, so the JSON baselines have none). "
              "Throughput is messages per second from the first frame received to the last "
              "record visible (Rust) or processed (baselines).\n")
    if plot_latency([(label, plots / f) for label, f in HEADLINE_HGRM],
                    plots / "e2e-latency.png", "frame → consumer"):
        md.append(f"![end-to-end latency]({rel}/e2e-latency.png)\n")
        md.append("HdrHistogram percentile files: " + ", ".join(
            f"[`{f}`]({rel}/{f})" for _, f in HEADLINE_HGRM if (plots / f).exists()) + ".\n")
    markets = growth_points(e2e, [(1, "latency-m1", "throughput-m1"),
                                  (10, "latency-m10", "throughput-m10"),
                                  (100, "latency-m100", "throughput-m100")])
    readers = growth_points(e2e, [(1, "latency-m1", "throughput-m1"),
                                  (4, "latency-r4", "throughput-r4"),
                                  (16, "latency-r16", "throughput-r16")])
    md.append("### Cost growth\n")
    md.append("Markets: one Rust reader; the mock's firehose spreads its frames round-robin "
              "over every subscribed market's `bbo` channel (per-market streams, no generator "
              "fallback needed). Readers: 1 market, N Rust reader threads on the cores the feed "
              "thread does not use (on 2 cores they all share one core and yield when idle, so "
              "latency there is the scheduler's time slice). Latency columns: median over the "
              "readers of each reader's p50, and the worst reader's p99 / p99.9; throughput: "
              "the slowest reader.\n")
    md.append(growth_table(markets, "markets"))
    md.append(growth_table(readers, "rust readers"))
    if plot_growth(markets, readers, plots / "e2e-growth.png"):
        md.append(f"![cost growth]({rel}/e2e-growth.png)\n")
    md.append(errors_block(e2e, stage))
    return "\n".join(md)


def render_ring(doc: dict | None, crit: list[dict], stages: dict, plots: Path, rel: str,
                results: Path) -> str:
    md = ["## Ring (`paradex-ring`)\n",
          f"{command_of(stages.get('ring_publish'), results)} (criterion):\n",
          criterion_table(crit, "ring", {
              "publish_bbo_hot_ring": "publish BBO, ring fits in cache",
              "publish_bbo_4mib_ring": "publish BBO, 4 MiB ring",
              "claim_commit_bbo": "claim → fill → commit",
              "publish_then_read_bbo": "publish, then read the record back",
              "read_empty": "read from an empty ring", "heartbeat_at": "writer heartbeat"}),
          f"One-way latency: {command_of(stages.get('ring_latency'), results)}\n"]
    if doc:
        md.append(result_table(doc))
        md.append(f"Clock: {doc.get('notes', '')}\n")
        if plot_latency([(label, plots / f) for label, f in RING_HGRM],
                        plots / "ring-latency.png", "ring one-way"):
            md.append(f"![ring one-way latency]({rel}/ring-latency.png)\n")
    md.append(errors_block(doc, stages.get("ring_latency")))
    return "\n".join(md)


def render_feed(doc: dict | None, crit: list[dict], stages: dict, results: Path) -> str:
    md = ["## Feed handler (`paradex-feed`)\n",
          f"{command_of(stages.get('feed_decode'), results)}: decode straight into a ring "
          "record, then publish (criterion):\n",
          criterion_table(crit, "feed_decode_publish", {
              "sbe_bbo": "SBE BBO", "sbe_bbo_decode_only": "SBE BBO, decode only",
              "sbe_trade": "SBE trade", "sbe_book_15x2_snapshot": "SBE 15 + 15 level book"}),
          f"Sustained throughput: {command_of(stages.get('feed_throughput'), results)}\n"]
    if doc:
        md.append(result_table(doc))
        md.append(f"{doc.get('notes', '')}\n")
    md.append(errors_block(doc, stages.get("feed_throughput")))
    return "\n".join(md)


def render_exec(docs: dict, crit: list[dict], stages: dict, results: Path) -> str:
    md = ["## Execution path (`paradex-exec`)\n",
          f"{command_of(stages.get('exec_sign'), results)} (criterion, then per-order "
          "percentiles):\n",
          criterion_table(crit, "exec_sign", {
              "order_fast_template": "sign an order, fast path with a per-market template",
              "order_fast_one_shot": "sign an order, fast path one-shot",
              "ecdsa_fast_with_rfc6979": "ECDSA sign with the RFC 6979 nonce, fast path",
              "order_reference_starknet_crypto": "reference: plain starknet-crypto, hash + sign",
              "order_hash_reference": "reference: order hash with starknet-crypto Pedersen",
              "pedersen_reference": "reference: one starknet-crypto Pedersen hash",
              "rfc6979_generate_k": "reference: `rfc6979_generate_k`"})]
    if docs.get("exec_sign"):
        md.append(result_table(docs["exec_sign"]))
    md.append(errors_block(docs.get("exec_sign"), stages.get("exec_sign")))
    md.append(f"{command_of(stages.get('exec_state'), results)} (10,000-order book):\n")
    md.append(criterion_table(crit, "exec_state", {}))
    if docs.get("exec_state"):
        md.append(result_table(docs["exec_state"]))
    md.append(f"{command_of(stages.get('exec_rest'), results)}: private `GET /v1/orders` from "
              "64 concurrent tasks over keep-alive against the in-process mock:\n")
    md.append(criterion_table(crit, "exec_rest", {}))
    return "\n".join(md)


def render_script(name: str, script: str, doc: dict | None, stage: dict | None,
                  results: Path) -> str:
    md = [f"### {doc['title'] if doc and doc.get('title') else name} (`scripts/{script}`)\n"]
    if stage and stage.get("command"):
        md.append(f"Reproduce: {command_of(stage, results)}\n")
    if not stage:
        md.append("_Not run in this pass._\n")
    elif stage["status"] == "missing":
        md.append(f"**Missing**: {stage.get('stderr_tail')}. No figure.\n")
    elif stage["status"] != "ok" or not doc:
        md.append(f"Stage {failure_text(stage)}. No figure.\n")
    else:
        md.append(result_table(doc))
        if doc.get("notes"):
            md.append(f"{doc['notes']}\n")
        if doc.get("machine_note"):
            md.append(f"Machine note: {doc['machine_note']}\n")
        md.append(errors_block(doc, None))
    return "\n".join(md)
