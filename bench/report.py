#!/usr/bin/python3
"""Turns a bench/run.sh output directory into report.md: every figure, the ratios, the targets.

Usage: /usr/bin/python3 bench/report.py bench/results > bench/results/report.md
"""

import json
import os
import re
import sys

FEATURES = 16


def load(directory):
    figures = []
    with open(os.path.join(directory, "results.jsonl"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                figures.append(json.loads(line))
    return figures


def best(figures, name, threads=None):
    """The run with the least CPU time (the least disturbed by other jobs), or None."""
    runs = [f for f in figures if f["name"] == name and (threads is None or f.get("threads") == threads)]
    if not runs:
        return None
    if "cpu_s" in runs[0]:
        return min(runs, key=lambda f: (f["cpu_s"], f["wall_s"]))
    return runs[-1]


def rate(value):
    if value is None:
        return "n/a"
    if value >= 1e6:
        return f"{value / 1e6:.2f} M"
    if value >= 1e3:
        return f"{value / 1e3:.1f} k"
    return f"{value:.1f}"


def bdn_rows(directory):
    """(benchmark, parameters, mean ns, allocated) from BenchmarkDotNet's GitHub tables."""
    path = os.path.join(directory, "bdn.md")
    if not os.path.exists(path):
        return []
    rows, header = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("|"):
                header = None if not line.strip() else header
                continue
            cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
            if cells[0] == "Method":
                header = cells
                continue
            if header is None or set(cells[0]) <= {"-", ":"}:
                continue
            row = dict(zip(header, cells))
            params = {k: v for k, v in row.items() if k in ("Features", "Pairs", "Window")}
            rows.append((row["Method"], params, to_ns(row.get("Mean", "")), row.get("Allocated", "")))
    return rows


def to_ns(text):
    match = re.match(r"([\d.,]+)\s*(ns|us|μs|ms|s)", text.replace("\u00a0", " "))
    if not match:
        return None
    value = float(match.group(1).replace(",", ""))
    return value * {"ns": 1, "us": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9}[match.group(2)]


def verdict(ok):
    return "met" if ok else "**missed**"


def target_row(target, figure, ratio, ok=None):
    """One row of the targets table; ratio is measured over target, 1 or more when met."""
    if ok is None:
        ok = ratio is not None and ratio >= 1
    shown = "n/a" if ratio is None else f"{ratio:.2f}"
    return f"| {target} | {figure} | {shown} | {verdict(ok)} |"


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else "bench/results"
    figures = load(directory)
    out = []
    with open(os.path.join(directory, "machine.txt"), encoding="utf-8") as f:
        out.append("## Machine\n\n```\n" + f.read().strip() + "\n```\n")

    out.append("## Figures\n")
    out.append("Rates are events per second by the wall clock and per CPU-second of the process "
               "(all its threads). Where several runs were made, the one with the least CPU time "
               "is shown. `load` is the one-minute load average when the figure was taken.\n")
    out.append("| figure | threads | events | wall s | events/s | CPU s | events/CPU-s | load | note |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    seen = set()
    for fig in figures:
        if "events" not in fig:
            continue
        key = (fig["name"], fig.get("threads"))
        if key in seen:
            continue
        seen.add(key)
        b = best(figures, *key)
        out.append(f"| {b['name']} | {b.get('threads', 1)} | {b['events']:,} | {b['wall_s']:.3f} | "
                   f"{rate(b['events_per_s'])} | {b['cpu_s']:.3f} | {rate(b['events_per_cpu_s'])} | "
                   f"{b['load']:.1f} | {b.get('note') or ''} |")
    values = [f for f in figures if "value" in f]
    if values:
        out.append("\n| figure | value | load | note |\n|---|---:|---:|---|")
        for v in values:
            out.append(f"| {v['name']} | {v['value']:.1f} {v['unit']} | {v['load']:.1f} | {v.get('note') or ''} |")

    # Targets.
    out.append("\n## Targets\n")
    out.append("The ratio is the figure over the target, turned so that 1 or more means the target "
               "is met (for an upper bound such as memory, the target over the figure).\n")
    out.append("| target | figure | ratio to target | verdict |\n|---|---|---:|---|")
    cores = max((f.get("threads", 1) for f in figures if f["name"] == "cli.scan.jsonl"), default=1)

    engine = best(figures, "engine.tables.f16.p0.sliding-60")
    engine_whole = best(figures, "engine.tables.f16.p0.whole-stream")
    bdn = bdn_rows(directory)
    bdn16 = [r for r in bdn if r[0] == "CountEvents" and r[1].get("Features") == "16" and r[1].get("Pairs") == "0"]
    allocated = sorted({r[3] for r in bdn})
    if engine:
        per_cpu = engine["events_per_cpu_s"]
        text = (f"{rate(per_cpu)} events/CPU-s sliding window, "
                f"{rate(engine_whole['events_per_cpu_s']) if engine_whole else 'n/a'} whole stream (harness)")
        for method, params, ns, alloc in bdn16:
            text += f"; BenchmarkDotNet {params.get('Window', '')}: {rate(1e9 / ns) if ns else 'n/a'} events/s, allocated {alloc}"
        out.append(target_row("engine: 3 M events/s per core, 16 feature–target tables", text, per_cpu / 3e6))
    if allocated:
        zero = all(a in ("-", "0 B") for a in allocated)
        out.append(target_row("engine and decode-and-count: zero allocations per event",
                              f"BenchmarkDotNet allocated per event: {', '.join(allocated)}", None, zero))

    cli1 = best(figures, "cli.scan.jsonl", 1)
    scan1 = best(figures, "scan.jsonl.full", 1)
    if cli1:
        r = cli1["events_per_s"]
        text = f"command line, one core (taskset): {rate(r)} events/s wall, {rate(cli1['events_per_cpu_s'])} per CPU-s"
        if scan1:
            text += f"; in process: {rate(scan1['events_per_cpu_s'])} per CPU-s"
        out.append(target_row("scan JSONL: 1 M events/s on one core", text, r / 1e6))

    # The issue asks for the full path at most 1.5 times "decoding alone" and names parsing the
    # floor. Decoding can be read as parsing the bytes only or as turning them into the levels
    # that get counted, so both ratios get a row and a verdict of their own.
    parse = best(figures, "scan.jsonl.parse")
    levels = best(figures, "scan.jsonl.decode-to-levels")
    for floor, label in ((levels, "decoding into levels"), (parse, "parsing alone")):
        if floor and scan1:
            ratio = scan1["cpu_s"] / floor["cpu_s"]
            out.append(target_row(
                f"full path at most 1.5 × {label}",
                f"whole scan {scan1['cpu_s']:.2f} CPU-s / {label} {floor['cpu_s']:.2f} CPU-s = {ratio:.2f} "
                "(one thread, in process)",
                1.5 / ratio))

    for fmt in ("jsonl", "csv"):
        py = best(figures, f"python.batch.{fmt}")
        cli = best(figures, f"cli.scan.{fmt}", 1)
        cli_all = best(figures, f"cli.scan.{fmt}", cores)
        if py and cli:
            ratio = py["wall_s"] / cli["wall_s"]
            text = (f"pandas + scikit-learn {py['wall_s']:.1f} s, streammi scan {cli['wall_s']:.2f} s on one core "
                    f"(×{ratio:.1f})")
            if cli_all and cores > 1:
                text += f", {cli_all['wall_s']:.2f} s on {cores} threads (×{py['wall_s'] / cli_all['wall_s']:.1f})"
            out.append(target_row(f"5 × faster than the pandas + scikit-learn batch ({fmt.upper()})", text, ratio / 5))

    sliding = best(figures, "python.sliding")
    pipeline = best(figures, "worker.pipeline.window-6m", 1)
    if sliding and pipeline:
        ours = FEATURES * pipeline["events_per_s"]
        theirs = sliding["mi_updates_per_s"]
        ratio = ours / theirs
        out.append(target_row(
            "1000 × more MI updates/s than recomputing the window with scikit-learn",
            f"StreamMI refreshes all {FEATURES} MIs on every event: {rate(ours)} MI updates/s (worker path, "
            f"6-minute window of about 100,000 events); scikit-learn takes {sliding['seconds_per_refresh']:.3f} s "
            f"to recompute the {FEATURES} MIs over {sliding['window']:,} events, one refresh every "
            f"{sliding['refresh']:,} events: {theirs:.1f} MI updates/s at best (×{ratio:,.0f})",
            ratio / 1000))

    peak = next((v for v in values if v["name"] == "memory.peak-rss"), None)
    if peak:
        out.append(target_row("memory: 100 × 64 × 10 × 60 within 256 MiB RSS",
                              f"peak RSS {peak['value']:.0f} MiB", 256 / peak["value"]))

    if bdn:
        out.append("\n## BenchmarkDotNet\n")
        with open(os.path.join(directory, "bdn.md"), encoding="utf-8") as f:
            out.append(f.read())

    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
