#!/usr/bin/python3
"""What a user would write instead of StreamMI: pandas and scikit-learn on the same data set.

Batch: read the file, discretise (numeric columns into 10 equal-frequency bins, every other
column by its distinct values, missing values a level of their own) and compute
mutual_info_score of every feature against the label.

Sliding window: recompute the MI of every feature over the last WINDOW events every REFRESH
events, the way a periodic job keeps a dashboard fresh. The data are decoded and discretised
once beforehand, which leaves only the recomputation to time (generous to this side).

Each figure is printed as one JSON line, like the .NET harness, for bench/report.py.
Run with Debian's interpreter: /usr/bin/python3 bench/sklearn_compare.py DIR.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.metrics import mutual_info_score

FEATURES = [
    "country", "device", "plan", "browser", "city", "campaign", "referrer", "segment",
    "amount", "latency_ms", "score", "age", "items", "is_mobile", "is_returning", "discount",
]
NUMERIC = {"amount", "latency_ms", "score", "age", "discount"}
TARGET = "label"
LN2 = 0.6931471805599453


def load_average():
    with open("/proc/loadavg", encoding="ascii") as f:
        return float(f.read().split()[0])


def emit(name, events, wall, cpu, note, **extra):
    line = {
        "name": name,
        "events": events,
        "threads": 1,
        "wall_s": round(wall, 6),
        "cpu_s": round(cpu, 6),
        "events_per_s": round(events / wall) if wall > 0 else None,
        "events_per_cpu_s": round(events / cpu) if cpu > 0 else None,
        "load": load_average(),
        "note": note,
    }
    line.update(extra)
    print(json.dumps(line), flush=True)


def discretise(frame):
    """Integer codes per feature and for the label; missing values get a code of their own."""
    codes = {}
    for column in FEATURES:
        values = frame[column]
        if column in NUMERIC:
            binned = pd.qcut(values, 10, labels=False, duplicates="drop")
            codes[column] = binned.fillna(-1).astype(np.int64).to_numpy()
        else:
            codes[column] = pd.factorize(values, use_na_sentinel=True)[0]
    codes[TARGET] = pd.factorize(frame[TARGET], use_na_sentinel=True)[0]
    return codes


def batch(path, reader, label):
    wall0, cpu0 = time.perf_counter(), time.process_time()
    frame = reader(path)
    wall1 = time.perf_counter()
    codes = discretise(frame)
    wall2 = time.perf_counter()
    mi = {f: mutual_info_score(codes[TARGET], codes[f]) / LN2 for f in FEATURES}
    wall3, cpu3 = time.perf_counter(), time.process_time()
    emit(
        f"python.batch.{label}",
        len(frame),
        wall3 - wall0,
        cpu3 - cpu0,
        f"pandas {pd.__version__} + scikit-learn {sklearn.__version__}: read, discretise, "
        f"16 x mutual_info_score",
        read_s=round(wall1 - wall0, 3),
        discretise_s=round(wall2 - wall1, 3),
        mi_s=round(wall3 - wall2, 3),
        mi_bits={f: round(v, 6) for f, v in mi.items()},
    )
    return codes


def sliding(codes, window, refresh, refreshes):
    target = codes[TARGET]
    events = len(target)
    ends = range(window, events + 1, refresh)
    ends = list(ends)[:refreshes]
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for end in ends:
        start = end - window
        for f in FEATURES:
            mutual_info_score(target[start:end], codes[f][start:end])
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    per_refresh = wall / len(ends)
    emit(
        "python.sliding",
        len(ends) * refresh,
        wall,
        cpu,
        f"{len(ends)} recomputations of 16 x mutual_info_score over the last {window} events, "
        f"one every {refresh} events (data decoded beforehand)",
        window=window,
        refresh=refresh,
        refreshes=len(ends),
        seconds_per_refresh=round(per_refresh, 6),
        mi_updates_per_s=round(len(FEATURES) / per_refresh, 3),
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--window", type=int, default=100_000)
    parser.add_argument("--refresh", type=int, default=1_667)
    parser.add_argument("--refreshes", type=int, default=30)
    args = parser.parse_args()

    jsonl = os.path.join(args.directory, "events.jsonl")
    csv = os.path.join(args.directory, "events.csv")
    codes = batch(csv, pd.read_csv, "csv")
    batch(jsonl, lambda p: pd.read_json(p, lines=True), "jsonl")
    sliding(codes, args.window, args.refresh, args.refreshes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
