#!/usr/bin/env bash
# Runs the whole test suite. Installs first what the tests need beyond the .NET SDK
# (promtool, amtool, yamllint, Python with scikit-learn for reference values, and the
# deployment checkers), when the machine lacks it and we may install (root, apt-get).
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -f deploy/check/install-tools.sh ]; then
  bash deploy/check/install-tools.sh || echo "test.sh: some test tools could not be installed; the tests that need them will say so" >&2
fi

need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_apt+=(prometheus-alertmanager)
/usr/bin/python3 -c 'import sklearn, pandas' >/dev/null 2>&1 || need_apt+=(python3-sklearn python3-pandas)
if [ ${#need_apt[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test.sh: installing ${need_apt[*]}" >&2
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# The deployment tests include a real `dotnet publish` with the Dockerfile's own command.
export STREAMMI_DEPLOY_PUBLISH=${STREAMMI_DEPLOY_PUBLISH:-1}

exec dotnet test StreamMI.sln --nologo "$@"
