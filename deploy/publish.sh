#!/usr/bin/env bash
# Publishes the `streammi` command (src/StreamMI.Cli) as a self-contained Linux program:
# the .NET runtime comes with it, so the container image needs only the runtime's native
# dependencies (runtime-deps) and no shell. The Dockerfile builds the image with this
# script, and tests/StreamMI.Deploy.Tests runs the same script here.
#
# Usage: deploy/publish.sh OUTPUT_DIR [ARCH]
#   ARCH: a .NET runtime identifier (linux-x64, linux-arm64) or a Docker architecture
#         (amd64, arm64); linux-x64 when omitted.
# The entry point is OUTPUT_DIR/streammi.
set -euo pipefail

out="${1:?usage: deploy/publish.sh OUTPUT_DIR [ARCH]}"
arch="${2:-linux-x64}"
case "$arch" in
  amd64 | x64 | linux-x64) rid=linux-x64 ;;
  arm64 | linux-arm64) rid=linux-arm64 ;;
  *)
    echo "deploy/publish.sh: unsupported architecture '$arch' (linux-x64 or linux-arm64)" >&2
    exit 2
    ;;
esac

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Release build, no debug symbols in the output, no telemetry or first-run banner noise in
# build logs. Trimming and ReadyToRun are left off: configuration binding and the Kafka
# client use reflection that trimming would break, and ReadyToRun needs a crossgen package
# per architecture for a start-up gain a long-running worker does not need.
DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
  dotnet publish "$repo/src/StreamMI.Cli/StreamMI.Cli.csproj" \
  --configuration Release \
  --runtime "$rid" \
  --self-contained true \
  --output "$out" \
  -p:DebugType=none \
  -p:GenerateDocumentationFile=false

test -x "$out/streammi" || {
  echo "deploy/publish.sh: $out/streammi was not produced" >&2
  exit 1
}
