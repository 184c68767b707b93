#!/usr/bin/env bash
# Fuzzing at full size: the fuzz tests (trait Category=Fuzz) with a million payloads each
# instead of the smaller counts of the default test run.
#
#   scripts/fuzz.sh [PAYLOADS=1000000] [SEED] [OUT_DIR=artifacts/fuzz]
#
# JsonDecoderFuzzTests (StreamMI.Decoding.Tests) decodes each payload and checks the verdict,
# the reported values and the bytes allocated against an independent oracle.
# DecodeAndCountFuzzTests (StreamMI.Host.Tests) sends each payload through the worker's
# pipeline (two decoding lanes, the counting stage, the engine) and checks that every payload
# is accounted for, by reason, as a one-at-a-time recount accounts for it. Each test prints
# its figures (counts by family and verdict or reason, time, largest allocation); the logs
# are kept in OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

export STREAMMI_FUZZ_PAYLOADS=${1:-1000000}
if [ -n "${2:-}" ]; then
  export STREAMMI_FUZZ_SEED=$2
fi
out=${3:-artifacts/fuzz}
mkdir -p "$out"

status=0
for project in StreamMI.Decoding.Tests StreamMI.Host.Tests; do
  echo "fuzz: $project with $STREAMMI_FUZZ_PAYLOADS payloads" >&2
  if ! dotnet test "tests/$project/$project.csproj" -c Release --nologo \
      --filter "Category=Fuzz" --logger "console;verbosity=detailed" >"$out/$project.log" 2>&1; then
    status=1
  fi
  # The figures each test printed, and the verdict; the end of the log when there are none
  # (a build error, for one).
  if grep -q 'Standard Output Messages:' "$out/$project.log"; then
    sed -n '/Standard Output Messages:/,/^$/p; /^\s*\(Passed\|Failed\) /p' "$out/$project.log"
  else
    tail -n 20 "$out/$project.log"
  fi
done
exit "$status"
