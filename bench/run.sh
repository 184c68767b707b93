#!/usr/bin/env bash
# Every figure of docs/performance.md in one run:
#
#   bash bench/run.sh            # everything; see the estimate below
#   bash bench/run.sh --quick    # 100,000 events and BenchmarkDotNet's dry job, to check it runs
#
# Writes bench/results/: results.jsonl (one JSON line per figure), machine.txt, the
# BenchmarkDotNet reports, the scan outputs, and report.md, the figures table with ratios and
# targets that docs/performance.md quotes. STREAMMI_BENCH_OUT moves the output, and
# STREAMMI_BENCH_DATA the generated data set (about 400 MB for a million events).
#
# Duration on a 2-core machine: the full run took 336 s and 419 s on 2026-12-04 at a load of
# 1 to 2 (docs/performance.md); the quick run about 7 minutes under a load of 5 to 9, most of it
# the Release build, the engine step (which always counts a million events) and process
# start-ups. Each step's start time and the load are printed as it begins.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
if [[ "${1:-}" == "--quick" ]]; then
    quick=true
fi

out=${STREAMMI_BENCH_OUT:-bench/results}
data=${STREAMMI_BENCH_DATA:-$out/data}
events=1000000
job=short
if $quick; then
    events=100000
    job=dry
fi

cores=$(nproc)
results="$out/results.jsonl"
mkdir -p "$out" "$data"
: > "$results"

started=$SECONDS
step() {
    printf '\n== %s (at %d s, load %s)\n' "$1" $((SECONDS - started)) "$(cut -d' ' -f1-3 /proc/loadavg)" >&2
}

step "machine"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') ($cores cores, $(lscpu | sed -n 's/^Hypervisor vendor: *//p') guest)"
    echo "memory: $(free -g | awk '/^Mem:/ {print $2}') GiB"
    echo "kernel: $(uname -r)"
    echo "dotnet: $(dotnet --version)"
    echo "python: $(/usr/bin/python3 -c 'import sys, pandas, sklearn, numpy; print(sys.version.split()[0], "pandas", pandas.__version__, "scikit-learn", sklearn.__version__, "numpy", numpy.__version__)')"
    echo "load at start: $(cat /proc/loadavg)"
} | tee "$out/machine.txt" >&2

step "build (Release)"
dotnet build -c Release -v quiet -nologo bench/StreamMI.Benchmarks/StreamMI.Benchmarks.csproj >&2
dotnet build -c Release -v quiet -nologo src/StreamMI.Cli/StreamMI.Cli.csproj >&2
bench=bench/StreamMI.Benchmarks/bin/Release/net10.0/StreamMI.Benchmarks.dll
cli=src/StreamMI.Cli/bin/Release/net10.0/streammi.dll
harness() { dotnet "$bench" harness "$@" | tee -a "$results" >&2; }

step "data set: $events events"
if [[ ! -s "$data/events.jsonl" || "$(wc -l < "$data/events.jsonl")" -ne $events ]]; then
    dotnet "$bench" harness generate "$data" "$events"
fi
sha256sum "$data/events.jsonl" "$data/events.csv" | tee "$out/data.sha256" >&2

step "machine-speed gauge"
harness calibrate start

step "engine: windowed tables alone"
harness engine

step "scan stages in process"
harness scan "$data" "$cores"

# The command line as a user runs it, start-up included; one thread pinned to one core, then
# every core. /usr/bin/time gives wall and CPU seconds and the peak resident set.
step "streammi scan, the command line"
for format in jsonl csv; do
    for threads in 1 "$cores"; do
        pin=()
        if [[ $threads -eq 1 ]]; then
            pin=(taskset -c 0)
        fi

        for run in 1 2 3; do
            timing=$( { /usr/bin/time -f '%e %U %S %M' "${pin[@]}" dotnet "$cli" scan "$data/events.$format" \
                --target label --exclude ts --threads "$threads" --json > "$out/scan-$format-$threads.json"; } 2>&1 | tail -1)
            read -r wall user sys rss <<< "$timing"
            rows=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["rows"])' "$out/scan-$format-$threads.json")
            /usr/bin/python3 - "$format" "$threads" "$rows" "$wall" "$user" "$sys" "$rss" "$run" >> "$results" <<'PY'
import json, sys
fmt, threads, rows, wall, user, sys_s, rss, run = sys.argv[1:]
wall, cpu = float(wall), float(user) + float(sys_s)
load = float(open("/proc/loadavg").read().split()[0])
print(json.dumps({
    "name": f"cli.scan.{fmt}", "events": int(rows), "threads": int(threads), "wall_s": wall,
    "cpu_s": cpu, "events_per_s": round(int(rows) / wall), "events_per_cpu_s": round(int(rows) / cpu),
    "load": load, "peak_rss_mib": round(int(rss) / 1024, 1), "run": int(run),
    "note": "dotnet streammi.dll scan FILE --target label --exclude ts --json, start-up included"
            + (", pinned to one core (taskset -c 0)" if threads == "1" else ""),
}))
PY
            tail -1 "$results" >&2
        done
    done
done

step "worker: decode-and-count path without Kafka"
harness pipeline "$data" 2

step "worker: embedded Kafka peer"
harness kafka "$data" "$events" 48

step "memory: 100 features x 64 levels x 10 classes x 60 panes"
harness memory 100 64 10 60

step "pandas + scikit-learn on the same files"
/usr/bin/python3 bench/sklearn_compare.py "$data" | tee -a "$results" >&2

step "BenchmarkDotNet micro-benchmarks ($job job, in process)"
rm -rf "$out/bdn"
dotnet "$bench" --filter '*' --job "$job" --inProcess --artifacts "$out/bdn" >&2
cat "$out"/bdn/results/*-report-github.md > "$out/bdn.md"

step "machine-speed gauge"
harness calibrate end

step "report"
/usr/bin/python3 bench/report.py "$out" > "$out/report.md"
cat "$out/report.md"
printf '\n== done in %d s\n' $((SECONDS - started)) >&2
