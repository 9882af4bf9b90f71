#!/usr/bin/env bash
# Install the Debian packages that are missing for `make run` (run), `make test` (test, the default) or
# `make bench` (bench), and say which and why. Each scope includes the ones before it.
# Runs apt-get as root, or through sudo for anyone else.
set -euo pipefail
scope=${1:-test}
python=${PYTHON:-python3}
case $scope in run|test|bench) ;; *) echo "usage: $0 [run|test|bench]" >&2; exit 2 ;; esac

missing=()
reasons=()

# queue REASON PACKAGE...: install the packages, and say why.
queue() {
  missing+=("${@:2}")
  reasons+=("  ${*:2}: $1")
}

# want REASON PACKAGE...: queue those of the packages that are not installed.
want() {
  local pkg absent=()
  for pkg in "${@:2}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q ' installed$' || absent+=("$pkg")
  done
  [ ${#absent[@]} -eq 0 ] || queue "$1" "${absent[@]}"
}

# Debian leaves ensurepip out of python3, so `python3 -m venv` fails without this package.
"$python" -c 'import ensurepip' 2>/dev/null || queue "\`$python -m venv\` needs ensurepip" python3-venv
want "WeasyPrint draws the QR posters with Pango, HarfBuzz and a font" \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

if [ "$scope" != run ]; then
  want "the browser tests drive Debian's Chromium" chromium
  want "Playwright's own Node.js, which drives Chromium, is linked against it" libatomic1
  # Commands rather than packages where a developer may have them from elsewhere (NodeSource, PGDG).
  command -v npm >/dev/null || queue "npm installs axe-core, the accessibility checker the browser tests inject" nodejs npm
  want "the poster tests turn PDFs into images with pdftoppm" poppler-utils
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || queue "the tests run again on a throwaway PostgreSQL cluster (make test-pg, CI)" postgresql
  command -v nginx >/dev/null || queue "a test runs the shipped nginx site in front of the app" nginx
  want "that test makes a self-signed certificate for nginx" openssl
  command -v systemd-analyze >/dev/null || queue "a test checks the shipped systemd units with systemd-analyze" systemd
fi
[ "$scope" != bench ] || command -v wrk >/dev/null || queue "bench/submissions.py drives the app with it" wrk

[ ${#missing[@]} -gt 0 ] || exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "Missing Debian packages; as root, run: apt-get install --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
echo "Installing Debian packages for \`make $scope\`:"
printf '%s\n' "${reasons[@]}"
"${SUDO[@]}" apt-get update -qq
# env after sudo: sudo drops the caller's environment, and apt must not stop to ask questions.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

case " ${missing[*]} " in
  *" postgresql "*|*" nginx "*)
    cat <<'NOTE'

Note: Debian's postgresql and nginx packages come with system services, which Debian enables and
starts right away (PostgreSQL on port 5432, nginx on port 80) and again at every boot. The tests do
not use them: they start throwaway instances of their own. If you do not want the system ones:
    sudo systemctl disable --now postgresql nginx

NOTE
    ;;
esac
