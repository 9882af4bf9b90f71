#!/usr/bin/env bash
# Prove the README on a fresh Debian 12: build a clean root with debootstrap, install only what the README
# names (python3, make, git), clone this repository into it and run the README's two commands there.
# `make run` must set up quietly and serve a demo form that takes an answer over HTTP; `make test` must pass.
# Too slow for every CI run (debootstrap, Chromium, pip, the whole suite): run it when what a fresh machine
# needs may have changed. Run it as root on a Debian 12 machine with network access.
#
#   .ci/fresh-machine.sh [--postgres] [--keep] [COMMIT]
#
#   COMMIT      what to try (default: HEAD of this checkout; uncommitted changes are not seen)
#   --postgres  then run the tests on PostgreSQL as well (.ci/with-postgres.sh make test), as CI does
#   --keep      leave the root in /tmp for a look around instead of removing it
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
postgres=no
keep=no
commit=HEAD
for arg in "$@"; do
  case $arg in
    --postgres) postgres=yes ;;
    --keep) keep=yes ;;
    -*) sed -n '8,12p' "$0" >&2; exit 2 ;;
    *) commit=$arg ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "Run as root: debootstrap, chroot and mount need it." >&2; exit 2; }
commit=$(git -C "$SRC" rev-parse --verify "$commit^{commit}")

ROOT=$(mktemp -d /tmp/siifra-fresh.XXXXXX)
# mktemp's 0700 would be the root's / and lock out its service users (_apt, postgres, www-data).
chmod 755 "$ROOT"
LOG=${SIIFRA_FRESH_LOG:-/tmp/siifra-fresh-$(date +%Y%m%d-%H%M%S).log}
APP=/root/siifra
MOUNTS=(proc sys dev dev/pts dev/shm)
summary=()
running=""
step_pid=""
started=$SECONDS
: >"$LOG"

say() { echo "$*" | tee -a "$LOG"; }

# step NAME FUNCTION: run one step with its output in the log, time it, and stop everything if it fails.
step() {
  local name=$1 begun=$SECONDS rc=0
  say "== $name"
  running=$name
  # In the background, because `set -e` is switched off inside anything run as a condition, and a step
  # must stop at its first failing command.
  "${@:2}" >>"$LOG" 2>&1 &
  step_pid=$!
  wait "$step_pid" || rc=$?
  step_pid=""
  summary+=("$(printf '  %-40s %5ss  %s' "$name" $((SECONDS - begun)) "$([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)")")")
  [ $rc -eq 0 ] || exit 1
  running=""
}

# The root's own environment: nothing of this machine's but the certificates, proxy and pip settings that
# let it reach the network the way this machine does. Paths that do not exist in the root are dropped.
root_env() {
  local name value
  echo "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  echo "HOME=/root"
  echo "LANG=C.UTF-8"
  while IFS='=' read -r name value; do
    case $name in
      *CERT*|*SSL*|*CA_BUNDLE*|*CAINFO*|PIP_*|http_proxy|https_proxy|no_proxy|HTTP_PROXY|HTTPS_PROXY|NO_PROXY)
        value=$(keep_existing "$value")
        [ -z "$value" ] || echo "$name=$value" ;;
    esac
  done < <(env)
}

# keep_existing VALUE: VALUE without the words that are local paths (or file:// URLs) missing in the root.
keep_existing() {
  local word words kept=()
  read -ra words <<<"$1"
  for word in "${words[@]}"; do
    case $word in
      file://*) [ -e "$ROOT/${word#file://}" ] || continue ;;
      /*) [ -e "$ROOT/$word" ] || continue ;;
    esac
    kept+=("$word")
  done
  echo "${kept[*]}"
}

# root_command COMMAND...: set ROOT_COMMAND to what runs COMMAND in the root with the root's environment.
root_command() {
  local env_lines
  mapfile -t env_lines < <(root_env)
  ROOT_COMMAND=(chroot "$ROOT" /usr/bin/env -i "${env_lines[@]}" "$@")
}

in_root() {
  root_command "$@"
  "${ROOT_COMMAND[@]}"
}

# A free TCP port on 127.0.0.1: the root shares this machine's network, where other work may run.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# --- the steps

install_debootstrap() {
  command -v debootstrap >/dev/null && return 0
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
}

# The mirror this machine's own apt uses for bookworm, so that the root gets the same packages.
mirror() {
  awk '/^$/ { uri = "" } /^URIs:/ { uri = $2 }
       /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uri != "") { print uri; exit } }' \
    /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep . || echo http://deb.debian.org/debian
}

make_root() {
  # minbase: the barest Debian there is, so that nothing the README leaves out is there by luck.
  debootstrap --variant=minbase bookworm "$ROOT" "$(mirror)"
}

copy_machine_config() {
  # apt: the same sources (with bookworm-updates and the security suite) and settings as this machine.
  rm -f "$ROOT/etc/apt/sources.list"
  [ ! -e /etc/apt/sources.list ] || cp /etc/apt/sources.list "$ROOT/etc/apt/"
  cp -a /etc/apt/sources.list.d/. "$ROOT/etc/apt/sources.list.d/"
  cp -a /etc/apt/apt.conf.d/. "$ROOT/etc/apt/apt.conf.d/"
  cp -a /etc/apt/trusted.gpg.d/. "$ROOT/etc/apt/trusted.gpg.d/"
  # This machine may reach the network through a proxy with its own certificate authority. The local CAs
  # come along too, so that installing ca-certificates in the root, which rebuilds the bundle, keeps them.
  mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/usr/local/share/ca-certificates"
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/"
  [ ! -d /usr/local/share/ca-certificates ] || cp -a /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/"
  # pip and npm: the same indexes and certificates. Index locations that are folders on this machine's
  # disk (find-links = /opt/wheels, file:// indexes) do not exist in the root; pip would warn about each
  # one for every package, so they are left out here. That noise is this machine's, not the project's.
  copy_pip_conf /etc/pip.conf /etc/pip.conf
  if [ -d /etc/xdg/pip ]; then
    mkdir -p "$ROOT/etc/xdg/pip"
    cp -a /etc/xdg/pip/. "$ROOT/etc/xdg/pip/"
    copy_pip_conf /etc/xdg/pip/pip.conf /etc/xdg/pip/pip.conf
  fi
  copy_pip_conf "$HOME/.config/pip/pip.conf" /root/.config/pip/pip.conf
  [ ! -e "$HOME/.npmrc" ] || cp "$HOME/.npmrc" "$ROOT/root/.npmrc"
  [ ! -e /usr/etc/npmrc ] || { mkdir -p "$ROOT/usr/etc" && cp /usr/etc/npmrc "$ROOT/usr/etc/npmrc"; }
  # The root shares this machine's network: the services Debian starts when postgresql and nginx are
  # installed would take ports 5432 and 80 here. The tests start their own instances and need neither.
  printf '#!/bin/sh\n# fresh-machine.sh: start no services in this chroot\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod 755 "$ROOT/usr/sbin/policy-rc.d"
}

# copy_pip_conf FROM TO: copy a pip configuration file into the root, without the locations missing there.
copy_pip_conf() {
  [ -e "$1" ] || return 0
  mkdir -p "$(dirname "$ROOT$2")"
  python3 - "$1" "$ROOT$2" "$ROOT" <<'PY'
import configparser, os, sys
source, target, root = sys.argv[1:]
config = configparser.RawConfigParser()
config.read(source)
for section in config.sections():
    for name, value in config.items(section):
        words = [w for w in value.split()
                 if not w.startswith(("/", "file://")) or os.path.exists(root + w.removeprefix("file://"))]
        if words:
            config.set(section, name, "\n".join(words) if len(words) > 1 else words[0])
        else:
            config.remove_option(section, name)
with open(target, "w") as out:
    config.write(out)
PY
}

mount_root() {
  mount -t proc proc "$ROOT/proc"
  mount -t sysfs sysfs "$ROOT/sys"
  mount --bind /dev "$ROOT/dev"
  # Private, so that what is mounted under the root's /dev does not show up in this machine's.
  mount --make-private "$ROOT/dev"
  mount --bind /dev/pts "$ROOT/dev/pts"
  # Chromium keeps its shared memory here; a tmpfs of the root's own, not this machine's.
  mount -t tmpfs -o mode=1777,nosuid,nodev shm "$ROOT/dev/shm"
}

install_prerequisites() {
  in_root apt-get update -q
  in_root env DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q
  # Only what the README names, and none of their recommended packages: what else the project needs, its
  # own make targets must install.
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 make git
}

clone() {
  git clone --quiet --no-checkout "$SRC" "$ROOT$APP"
  git -C "$ROOT$APP" checkout --quiet --detach "$commit"
  git -C "$ROOT$APP" log -1 --format='%h %s'
}

# make run, in the background; then the newcomer's first answer: open a demo link, rate, see the thanks.
# Its set-up must print no warnings.
make_run_and_answer() {
  local port=5000 pid link="" waited=0
  python3 -c 'import socket; socket.create_server(("127.0.0.1", 5000)).close()' 2>/dev/null || port=$(free_port)
  echo "make run on port $port"
  root_command env PORT="$port" bash -c "cd $APP && exec make run"
  "${ROOT_COMMAND[@]}" >"$ROOT/tmp/make-run.log" 2>&1 &
  pid=$!
  # Stopped whichever way this step ends: make, gunicorn and its workers are all that runs in the root.
  trap 'stop_root_processes; wait; cat "$ROOT/tmp/make-run.log"' EXIT
  # Set-up (pip, the demo data) comes first; the links are printed just before gunicorn starts.
  until [ -n "$link" ] && answers "$link"; do
    kill -0 "$pid" 2>/dev/null || { echo "make run stopped"; return 1; }
    [ $waited -lt 1200 ] || { echo "no answer from make run after ${waited}s"; return 1; }
    sleep 5
    waited=$((waited + 5))
    link=$(grep -o -m1 "http://127.0.0.1:$port/s/[A-Za-z0-9]*" "$ROOT/tmp/make-run.log" || true)
  done
  answer_form "$link"
  # The set-up must be quiet: warnings (once 300 lines of setuptools' about package data) look like errors
  # to a newcomer.
  if sed '/^Open one of these links:/q' "$ROOT/tmp/make-run.log" | grep -i 'warn'; then
    echo "make run's set-up printed the warnings above"
    return 1
  fi
}

# answers URL: whether URL answers 200. This machine's python3 asks, as the root has no HTTP client.
answers() {
  python3 -c 'import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=10)' "$1" 2>/dev/null
}

answer_form() {
  python3 - "$1" <<'PY'
import html.parser, http.cookiejar, sys, urllib.parse, urllib.request

link = sys.argv[1]
cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), cookies)


class Inputs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append({k: v or "" for k, v in attrs})


page = Inputs()
page.feed(browser.open(link, timeout=30).read().decode())
fields = {i["name"]: i.get("value", "") for i in page.inputs if i.get("type") == "hidden"}
rating = next(i for i in page.inputs if i.get("type") == "radio")
fields[rating["name"]] = rating["value"]
assert fields.get("csrf_token"), "the form has no CSRF token"
reply = browser.open(urllib.request.Request(link, data=urllib.parse.urlencode(fields).encode()), timeout=30)
thanks = reply.read().decode()
assert reply.status == 200 and "/takk" in reply.url, f"{reply.status} {reply.url}"
assert "Svarene dine er lagret" in thanks, "no thank-you text"
print(f"GET {link}, POST {rating['name']}={rating['value']} with the CSRF token: {reply.status} {reply.url}")
PY
}

# A time limit, so that a hung browser fails the run instead of keeping it waiting for ever.
make_test() {
  root_command bash -c "cd $APP && make test"
  timeout 3h "${ROOT_COMMAND[@]}"
}

make_test_on_postgres() {
  root_command env SIIFRA_PG_PORT="$(free_port)" bash -c "cd $APP && bash .ci/with-postgres.sh make test"
  timeout 3h "${ROOT_COMMAND[@]}"
}

# --- clean-up, whatever happened

# Every process whose root is the chroot: make run's server, a stuck browser. Only processes this script
# started can live there.
stop_root_processes() {
  local proc pids=()
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$ROOT" ] && pids+=("${proc#/proc/}")
  done
  # return 0, not return: called from the EXIT trap, a bare return gives the status the script exits with.
  [ ${#pids[@]} -eq 0 ] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  sleep 2
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# process_tree PID: PID and every process it started, and they started.
process_tree() {
  local child
  echo "$1"
  for child in $(ps -o pid= --ppid "$1"); do
    process_tree "$child"
  done
}

finish() {
  local rc=$? i tree
  trap - EXIT
  # An interrupted step (Ctrl-C) may still be running, debootstrap for one.
  if [ -n "$step_pid" ]; then
    mapfile -t tree < <(process_tree "$step_pid")
    kill -TERM "${tree[@]}" 2>/dev/null || true
  fi
  stop_root_processes
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    ! mountpoint -q "$ROOT/${MOUNTS[i]}" || umount "$ROOT/${MOUNTS[i]}" || umount -l "$ROOT/${MOUNTS[i]}"
  done
  if [ $keep = yes ]; then
    echo "The root stays at $ROOT (mount proc, sys, dev, dev/pts and dev/shm to chroot into it)."
  elif findmnt -rn -o TARGET | grep -q "^$ROOT/"; then
    echo "Something is still mounted under $ROOT; it is left in place."
  else
    rm -rf --one-file-system "$ROOT"
  fi
  echo
  echo "Fresh Debian 12, commit $(git -C "$SRC" log -1 --format='%h %s' "$commit" | cut -c1-70)"
  printf '%s\n' "${summary[@]}"
  printf '  %-40s %5ss\n' "total" $((SECONDS - started))
  if [ $rc -eq 0 ]; then
    echo "PASSED. Log: $LOG"
  else
    echo "FAILED${running:+ at: $running}. Log: $LOG (the end of it below)"
    tail -n 40 "$LOG" | sed 's/^/  | /'
  fi
  exit $rc
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "Fresh Debian 12 in $ROOT, log in $LOG"
step "install debootstrap (this machine)" install_debootstrap
step "debootstrap bookworm (minbase)" make_root
step "copy apt, pip, npm and CA settings" copy_machine_config
step "mount proc, sys, dev" mount_root
step "apt-get install python3 make git" install_prerequisites
step "git clone ${commit:0:10}" clone
step "make run: answer a demo form over HTTP" make_run_and_answer
step "make test (SQLite)" make_test
[ $postgres = no ] || step ".ci/with-postgres.sh make test" make_test_on_postgres
