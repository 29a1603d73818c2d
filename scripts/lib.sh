# Shared set-up steps for scripts/demo and scripts/test. Each step is idempotent.
# Sourced, not run. Needs root (apt-get, dockerd).

SPA_BUSYBOX_IMAGE=${SPA_BUSYBOX_IMAGE:-static-pod-agent.local/busybox:1.35}
SPA_PAUSE_IMAGE=${SPA_PAUSE_IMAGE:-static-pod-agent.local/pause:1.0}
SPA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { echo "[setup] $*" >&2; }

apt_updated=
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Docker engine from Debian's docker.io, started by hand when not running (no systemd needed).
ensure_docker() {
  apt_install docker.io busybox-static gcc libc6-dev
  if docker info >/dev/null 2>&1; then return 0; fi
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl start docker >/dev/null 2>&1 || true
  fi
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/static-pod-agent-dockerd.log)"
    # a stale pid file from a dockerd that did not stop cleanly blocks a new one
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
      rm -f /var/run/docker.pid
    fi
    nohup dockerd >>/var/log/static-pod-agent-dockerd.log 2>&1 &
  fi
  local i
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { log "docker $(docker version --format '{{.Server.Version}}') is up"; return 0; }
    sleep 1
  done
  log "dockerd did not come up within 60 s; last lines of its log:"
  tail -20 /var/log/static-pod-agent-dockerd.log >&2 || true
  return 1
}

# Local images (no registry is reachable): busybox from Debian's busybox-static, and the sandbox image
# built from images/pause/pause.c. Rebuilt only when missing.
ensure_images() {
  if ! docker image inspect "$SPA_BUSYBOX_IMAGE" >/dev/null 2>&1; then
    log "building $SPA_BUSYBOX_IMAGE from busybox-static"
    local d; d=$(mktemp -d)
    mkdir -p "$d/bin" "$d/tmp" "$d/etc" "$d/root" "$d/var/www"
    cp /bin/busybox "$d/bin/busybox"
    local a
    for a in $("$d/bin/busybox" --list); do [ "$a" = busybox ] || ln -s busybox "$d/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$d/etc/passwd"
    echo 'root:x:0:' > "$d/etc/group"
    tar -C "$d" -c . | docker import \
      --change 'ENV PATH=/bin' --change 'CMD ["sh"]' - "$SPA_BUSYBOX_IMAGE" >/dev/null
    rm -rf "$d"
  fi
  if ! docker image inspect "$SPA_PAUSE_IMAGE" >/dev/null 2>&1; then
    log "building $SPA_PAUSE_IMAGE from images/pause/pause.c"
    local d; d=$(mktemp -d)
    gcc -Os -Wall -Werror -static -o "$d/pause" "$SPA_ROOT/images/pause/pause.c"
    strip "$d/pause" 2>/dev/null || true
    tar -C "$d" -c pause | docker import --change 'ENTRYPOINT ["/pause"]' - "$SPA_PAUSE_IMAGE" >/dev/null
    rm -rf "$d"
  fi
}

# Stops with a clear message unless run as root (apt-get and dockerd need it).
require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "run as root: sudo $0" >&2
    exit 1
  fi
}

# Maven and a JDK 17, from Debian, only when either is missing.
ensure_maven() {
  if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
    apt_install maven openjdk-17-jdk-headless
  fi
}
