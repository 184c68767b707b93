#!/usr/bin/env bash
# Installs what tests/StreamMI.Deploy.Tests needs, and does nothing for what is already
# there, so it is cheap to run before every test run:
#   - from Debian: promtool (prometheus), amtool (prometheus-alertmanager), yamllint,
#     ShellCheck, and Go with the sprig and sigs.k8s.io/yaml sources for the offline Helm
#     renderer in deploy/check/helmrender;
#   - from npm, into deploy/check/node_modules (git-ignored), exactly the versions of
#     deploy/check/package-lock.json: kubernetes-models, @kubernetes-models/prometheus-operator,
#     @grafana/schema, typescript, dockerfile-utils, yaml.
# kubectl (for `kubectl kustomize`) and Node.js come with the build machines' image; when
# they are missing, the script says so and stops, since Debian's own kubectl (1.20) is too
# old for the kustomize base. Run as root (apt-get). Usage: deploy/check/install-tools.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

packages=(
  prometheus
  prometheus-alertmanager
  yamllint
  shellcheck
  golang-go
  golang-github-masterminds-sprig-dev
  golang-k8s-sigs-yaml-dev
)
missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  echo "install-tools: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The prometheus package starts a server as a service where an init system runs; the
  # tests need only its promtool, so the service is not wanted, but it is harmless.
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

for tool in kubectl node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "install-tools: $tool is not installed; the build machines' image provides it" >&2
    exit 1
  fi
done

# npm ci only when the lock file changed since the last install.
stamp="$here/node_modules/.streammi-lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
  echo "install-tools: npm ci in deploy/check"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

echo "install-tools: promtool $(promtool --version 2>&1 | head -1 | cut -d' ' -f3)," \
  "amtool $(amtool --version 2>&1 | head -1 | cut -d' ' -f3)," \
  "go $(go version | cut -d' ' -f3), node $(node --version), kubectl kustomize ready"
