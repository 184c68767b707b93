#!/usr/bin/env bash
# Before and after: `streammi scan` of the benchmark data set built at another commit and at this
# checkout, run in turns on one pinned core, so that both see the same machine state.
#
#   bash bench/compare-commits.sh BASE_COMMIT [RUNS]
#
# Needs the data set of bench/run.sh (bench/results/data, or STREAMMI_BENCH_DATA). Prints one
# JSON line per run, like bench/run.sh, with "commit" set.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: bench/compare-commits.sh BASE_COMMIT [RUNS]}
runs=${2:-3}
data=${STREAMMI_BENCH_DATA:-bench/results/data}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach "$work/base" "$base" >/dev/null 2>&1
dotnet build -c Release -v quiet -nologo "$work/base/src/StreamMI.Cli/StreamMI.Cli.csproj" >&2
dotnet build -c Release -v quiet -nologo src/StreamMI.Cli/StreamMI.Cli.csproj >&2
head=$(git rev-parse --short HEAD)
base_short=$(git rev-parse --short "$base")

for run in $(seq "$runs"); do
    for side in base head; do
        if [[ $side == base ]]; then
            cli="$work/base/src/StreamMI.Cli/bin/Release/net10.0/streammi.dll"
            commit=$base_short
        else
            cli=src/StreamMI.Cli/bin/Release/net10.0/streammi.dll
            commit=$head
        fi

        for format in jsonl csv; do
            timing=$( { /usr/bin/time -f '%e %U %S %M' taskset -c 0 dotnet "$cli" scan "$data/events.$format" \
                --target label --exclude ts --json > "$work/out.json"; } 2>&1 | tail -1)
            read -r wall user sys rss <<< "$timing"
            /usr/bin/python3 - "$format" "$commit" "$wall" "$user" "$sys" "$rss" "$run" "$work/out.json" <<'PY'
import json, sys
fmt, commit, wall, user, sys_s, rss, run, out = sys.argv[1:]
rows = json.load(open(out))["rows"]
wall, cpu = float(wall), float(user) + float(sys_s)
print(json.dumps({
    "name": f"cli.scan.{fmt}", "commit": commit, "run": int(run), "events": rows, "threads": 1,
    "wall_s": wall, "cpu_s": cpu, "events_per_s": round(rows / wall),
    "events_per_cpu_s": round(rows / cpu), "peak_rss_mib": round(int(rss) / 1024, 1),
    "load": float(open("/proc/loadavg").read().split()[0]),
}))
PY
        done
    done
done
