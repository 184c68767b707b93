#!/usr/bin/env bash
# Soak test of the worker: a steady stream for N minutes, with the worker's memory and handle
# counts sampled from /proc, so that a leak shows as a slope.
#
#   scripts/soak.sh [MINUTES=10] [RATE=2000] [OUT_DIR=artifacts/soak]
#
# Two processes run. `streammi demo` holds the embedded Kafka peer and a producer paced at
# RATE events/s (and its own worker, which is not measured). `streammi run` is the worker
# under test: a separate process in its own consumer group reading the demo's topic, with a
# one-minute sliding window of 12 panes, so panes expire all the time. The peer's own memory
# (each partition keeps up to its retention limit) therefore does not blur the worker's figures.
#
# Every SOAK_INTERVAL_SECONDS (10) it appends to OUT_DIR/samples.csv: the worker's resident
# memory, peak, open file descriptors, threads, GC heap after the last collection and GC
# committed memory (from its /metrics), the demo process's resident memory, the worker's
# consumed, counted, window and lag figures from /api/v1/snapshot, and the worker's resident
# memory split into anonymous (heaps) and file-backed (mapped code). OUT_DIR/summary.txt
# compares the samples after a two-minute warm-up. Needs curl and jq. Not part of the test
# run: it takes as long as it is told to.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
rate=${2:-2000}
out=${3:-artifacts/soak}
interval=${SOAK_INTERVAL_SECONDS:-10}
bin="$out/bin"
mkdir -p "$out"

dotnet build src/StreamMI.Cli/StreamMI.Cli.csproj -c Release -o "$bin" --nologo -v q >"$out/build.log" 2>&1 \
  || { cat "$out/build.log" >&2; exit 1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

demo_port=$(free_port)
worker_port=$(free_port)
demo_pid=""
worker_pid=""
# Only the processes this script started are stopped, each by its id.
cleanup() {
  if [ -n "$worker_pid" ]; then kill "$worker_pid" 2>/dev/null || true; fi
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

dotnet "$bin/streammi.dll" demo --duration "$((minutes + 2))m" --rate "$rate" \
  --http-port "$demo_port" --window 1m --panes 12 >"$out/demo.log" 2>&1 &
demo_pid=$!

bootstrap=""
for _ in $(seq 1 120); do
  bootstrap=$(sed -n 's/^Embedded Kafka peer at \([^;]*\);.*/\1/p' "$out/demo.log" | head -n 1)
  [ -n "$bootstrap" ] && break
  sleep 1
done
[ -n "$bootstrap" ] || { echo "soak: the demo did not start its Kafka peer" >&2; cat "$out/demo.log" >&2; exit 1; }

dotnet "$bin/streammi.dll" run --bootstrap-servers "$bootstrap" --topic demo.events \
  --name soak --target label --exclude ts --numeric amount --window 1m --panes 12 \
  --http-address 127.0.0.1 --http-port "$worker_port" >"$out/worker.log" 2>&1 &
worker_pid=$!

status() { awk -v key="$1:" '$1 == key {print $2}' "/proc/$2/status"; }

echo "elapsed_s,rss_kb,hwm_kb,fds,threads,gc_heap_bytes,gc_committed_bytes,demo_rss_kb,consumed,counted,window_events,lag,rss_anon_kb,rss_file_kb" \
  >"$out/samples.csv"
# The wall clock of a virtual machine can jump (a snapshot restored), so the run is measured
# in samples and the elapsed time read from the kernel's boot-time clock.
uptime_s() { cut -d ' ' -f 1 /proc/uptime | cut -d . -f 1; }
start=$(uptime_s)
samples=$((minutes * 60 / interval))
for ((i = 0; i < samples; i++)); do
  sleep "$interval"
  if ! kill -0 "$worker_pid" 2>/dev/null || [ ! -r "/proc/$worker_pid/status" ]; then
    break
  fi
  now=$(uptime_s)
  fds=$(find "/proc/$worker_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  demo_rss=$( [ -r "/proc/$demo_pid/status" ] && status VmRSS "$demo_pid" || echo "")
  metrics=$(curl -sf --max-time 5 "http://127.0.0.1:$worker_port/metrics" || true)
  heap=$(awk '/^dotnet_gc_last_collection_heap_size_bytes/ {s += $NF} END {printf "%d", s}' <<<"$metrics")
  committed=$(awk '/^dotnet_gc_last_collection_memory_committed_size_bytes/ {printf "%d", $NF}' <<<"$metrics")
  counts=$(curl -sf --max-time 5 "http://127.0.0.1:$worker_port/api/v1/snapshot" \
    | jq -r '.monitors[0] | [.consumed, (.counted // 0), (.window.events // 0),
        ((.lag // {}) | add // 0)] | @csv' 2>/dev/null || echo ",,,")
  echo "$((now - start)),$(status VmRSS "$worker_pid"),$(status VmHWM "$worker_pid"),$fds,$(status Threads "$worker_pid"),$heap,$committed,$demo_rss,$counts,$(status RssAnon "$worker_pid"),$(status RssFile "$worker_pid")" \
    >>"$out/samples.csv"
done

kill -TERM "$worker_pid" 2>/dev/null || true
wait "$worker_pid" || true
worker_pid=""
kill -TERM "$demo_pid" 2>/dev/null || true
wait "$demo_pid" || true
demo_pid=""
trap - EXIT

# The first two minutes (JIT, the first window filling, the warm-up that learns bin edges) are
# left out; the slopes come from a least-squares line through the rest.
awk -F, -v minutes="$minutes" -v rate="$rate" '
  NR == 1 { next }
  $1 >= 120 {
    n++
    if (n == 1) { t0 = $1; rss0 = $2; fd0 = $4; heap0 = $6 }
    t1 = $1; rss1 = $2; fd1 = $4; heap1 = $6; counted = $10
    if (minrss == "" || $2 < minrss) minrss = $2
    if ($2 > maxrss) maxrss = $2
    if (minfd == "" || $4 < minfd) minfd = $4
    if ($4 > maxfd) maxfd = $4
    if (minth == "" || $5 < minth) minth = $5
    if ($5 > maxth) maxth = $5
    if (minheap == "" || $6 < minheap) minheap = $6
    if ($6 > maxheap) maxheap = $6
    if ($12 > maxlag) maxlag = $12
    if (n == 1) { anon0 = $13; file0 = $14 }
    anon1 = $13; file1 = $14
    sx += $1; sxx += $1 * $1
    sr += $2; sxr += $1 * $2
    sh += $6; sxh += $1 * $6
  }
  END {
    if (n < 2) { print "soak: too few samples after the two-minute warm-up"; exit 1 }
    d = n * sxx - sx * sx
    printf "soak: %d min at %d events/s, %d samples after warm-up (from %ds to %ds)\n", minutes, rate, n, t0, t1
    printf "worker rss kB: first %d, last %d, min %d, max %d, slope %.1f kB/min\n", rss0, rss1, minrss, maxrss, (n * sxr - sx * sr) / d * 60
    printf "worker gc heap kB: first %d, last %d, min %d, max %d, slope %.1f kB/min\n", heap0 / 1024, heap1 / 1024, minheap / 1024, maxheap / 1024, (n * sxh - sx * sh) / d * 60 / 1024
    printf "worker fds: first %d, last %d, min %d, max %d; threads min %d, max %d\n", fd0, fd1, minfd, maxfd, minth, maxth
    printf "worker rss anonymous kB: first %d, last %d; file-backed kB: first %d, last %d\n", anon0, anon1, file0, file1
    printf "worker counted at end %d; lag max %d\n", counted, maxlag
  }' "$out/samples.csv" | tee "$out/summary.txt"
