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

# A containerd of the tests' own (Debian's containerd; Docker's embedded one and the machine's at /run/containerd are
# never used or touched): own config, root, state and socket, started by hand when its socket does not answer (or
# answers without the CRI plugin, from an older set-up: then it is restarted; running containers keep running
# under their shims). Its CRI plugin is enabled with its own CNI configuration directory and IPAM state
# (SPA_CNI_CONF_DIR, SPA_CNI_STATE_DIR; plugins from Debian's containernetworking-plugins in /usr/lib/cni), our pod
# network installed there when it holds none (install_cni_config), and SPA_PAUSE_IMAGE as its sandbox_image. The
# local test images are imported from Docker (`docker save | ctr images import`) into SPA_CONTAINERD_NAMESPACE, for
# the ctr adapter, and into k8s.io, where the CRI plugin looks. Idempotent. Stop it with stop_containerd.
SPA_CONTAINERD_HOME=${SPA_CONTAINERD_HOME:-/var/lib/static-pod-agent-test/containerd}
SPA_CONTAINERD_RUN=${SPA_CONTAINERD_RUN:-/run/static-pod-agent-test/containerd}
SPA_CONTAINERD_SOCKET=${SPA_CONTAINERD_SOCKET:-$SPA_CONTAINERD_RUN/containerd.sock}
SPA_CONTAINERD_NAMESPACE=${SPA_CONTAINERD_NAMESPACE:-static-pod-agent}
SPA_CRI_NAMESPACE=k8s.io
SPA_CNI_BIN_DIR=${SPA_CNI_BIN_DIR:-/usr/lib/cni}
SPA_CNI_CONF_DIR=${SPA_CNI_CONF_DIR:-/var/lib/static-pod-agent-test/cni/net.d}
SPA_CNI_STATE_DIR=${SPA_CNI_STATE_DIR:-/var/lib/static-pod-agent-test/cni/networks}
SPA_CNI_BRIDGE=${SPA_CNI_BRIDGE:-spa-test0}
ensure_containerd() {
  apt_install containerd containernetworking-plugins iptables
  local ctr=(ctr --address "$SPA_CONTAINERD_SOCKET" --namespace "$SPA_CONTAINERD_NAMESPACE")
  local logfile=/var/log/static-pod-agent-test-containerd.log
  install_cni_config "$SPA_CNI_CONF_DIR" "$SPA_CNI_BRIDGE" "$SPA_CNI_STATE_DIR" || return 1
  if "${ctr[@]}" version >/dev/null 2>&1 && [ "$(_spa_cri_plugin_status)" != ok ]; then
    if [ -f "$SPA_CONTAINERD_RUN/containerd.pid" ]; then
      log "the tests' containerd runs without its CRI plugin: restarting it with the CRI plugin enabled"
      stop_containerd
    else
      log "the containerd at $SPA_CONTAINERD_SOCKET was not started by ensure_containerd and has no CRI plugin: CRI tests will fail"
    fi
  fi
  if ! "${ctr[@]}" version >/dev/null 2>&1; then
    mkdir -p "$SPA_CONTAINERD_HOME/root" "$SPA_CONTAINERD_RUN/state"
    _spa_containerd_config "$SPA_CONTAINERD_HOME/root" "$SPA_CONTAINERD_RUN/state" "$SPA_CONTAINERD_SOCKET" \
      "$SPA_CNI_CONF_DIR" > "$SPA_CONTAINERD_HOME/config.toml"
    log "starting a separate containerd for the tests (socket: $SPA_CONTAINERD_SOCKET, CNI: $SPA_CNI_CONF_DIR, log: $logfile)"
    # a containerd of ours that died leaves its socket behind, and a new one refuses to bind to it
    rm -f "$SPA_CONTAINERD_SOCKET" "$SPA_CONTAINERD_RUN/containerd.sock.ttrpc"
    # setsid: not in the caller's process group, so that a Ctrl-C of the tests does not take it (and its pods) down
    setsid nohup containerd --config "$SPA_CONTAINERD_HOME/config.toml" >>"$logfile" 2>&1 < /dev/null &
    echo $! > "$SPA_CONTAINERD_RUN/containerd.pid"
    local i up=
    for i in $(seq 1 60); do
      if "${ctr[@]}" version >/dev/null 2>&1; then up=1; break; fi
      sleep 0.5
    done
    if [ -z "$up" ]; then
      log "containerd did not come up within 30 s; last lines of its log:"
      tail -20 "$logfile" >&2 || true
      return 1
    fi
  fi
  log "containerd $("${ctr[@]}" version 2>/dev/null | awk '/Server:/{s=1} s&&/Version:/{print $2; exit}') is up at $SPA_CONTAINERD_SOCKET (CRI plugin: $(_spa_cri_plugin_status))"
  local image ns
  for ns in "$SPA_CONTAINERD_NAMESPACE" "$SPA_CRI_NAMESPACE"; do
    for image in "$SPA_BUSYBOX_IMAGE" "$SPA_PAUSE_IMAGE"; do
      if ctr --address "$SPA_CONTAINERD_SOCKET" --namespace "$ns" images check "name==$image" 2>/dev/null \
          | grep -q complete; then continue; fi
      log "importing $image into containerd namespace $ns"
      docker save "$image" | ctr --address "$SPA_CONTAINERD_SOCKET" --namespace "$ns" images import - >/dev/null
    done
  done
}

# The status of the CRI plugin of the containerd at SPA_CONTAINERD_SOCKET: ok, skip, error, or nothing.
_spa_cri_plugin_status() {
  ctr --address "$SPA_CONTAINERD_SOCKET" plugins ls 2>/dev/null \
    | awk '$1=="io.containerd.grpc.v1" && $2=="cri" {print $NF}'
}

# _spa_containerd_config ROOT STATE SOCKET CNI_CONF_DIR: a containerd 1.6 config with the CRI plugin on that CNI
# directory. restrict_oom_score_adj: the CRI plugin asks -998 for sandboxes, which root without CAP_SYS_RESOURCE
# cannot set (every sandbox would fail); restricted, it never goes below containerd's own. stream_server_*: the
# streaming server of exec, attach and port-forward (CriStreamingIT) on loopback only (its URLs need no credential)
# and port 0, a free port containerd picks at its start and puts in the URLs it answers, so it never clashes.
_spa_containerd_config() {
  cat <<TOML
version = 2
root = "$1"
state = "$2"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$3"
[ttrpc]
  address = "$3.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$SPA_PAUSE_IMAGE"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$SPA_CNI_BIN_DIR"
    conf_dir = "$4"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
TOML
}

# install_cni_config CONF_DIR BRIDGE STATE_DIR: our pod network (packaging/cni/10-static-pod-agent.conflist: bridge,
# host-local, portmap, firewall) in CONF_DIR on bridge BRIDGE with IPAM state in STATE_DIR and the first free
# 10.N.0.0/16, unless CONF_DIR holds a network configuration already (never overwritten). Idempotent.
install_cni_config() {
  local dir=$1 bridge=$2 data=$3
  mkdir -p "$dir" "$data"
  if compgen -G "$dir/*.conf" >/dev/null || compgen -G "$dir/*.conflist" >/dev/null \
      || compgen -G "$dir/*.json" >/dev/null; then
    return 0
  fi
  local subnet
  subnet=$(spa_free_subnet "$bridge") || { log "no 10.N.0.0/16 is free on this host for the pod network"; return 1; }
  sed -e "s|\"spa-cni0\"|\"$bridge\"|" -e "s|10\.88\.0\.0/16|$subnet|" -e "s|/var/lib/cni/networks|$data|" \
    "$SPA_ROOT/packaging/cni/10-static-pod-agent.conflist" > "$dir/.10-static-pod-agent.conflist.tmp"
  mv "$dir/.10-static-pod-agent.conflist.tmp" "$dir/10-static-pod-agent.conflist"
  log "installed the pod network $subnet (bridge $bridge) as $dir/10-static-pod-agent.conflist"
}

# spa_free_subnet [BRIDGE]: the first 10.N.0.0/16 (N = 88..250) that no route or address of this host touches
# (routes through BRIDGE, ours, do not count); fails when 10.0.0.0/8 itself is routed here.
spa_free_subnet() {
  local bridge=${1:-none} used n
  used=$( { ip -4 route show table all; ip -4 -o addr show; } 2>/dev/null | grep -v "dev $bridge " || true)
  if grep -qE '(^|[^0-9])10\.0\.0\.0/8' <<<"$used"; then return 1; fi
  for n in $(seq 88 250); do
    if ! grep -qE "(^|[^0-9.])10\.$n\." <<<"$used"; then echo "10.$n.0.0/16"; return 0; fi
  done
  return 1
}

# Stops the containerd that ensure_containerd started (its pods' shims keep running, as under a real restart).
stop_containerd() {
  local pidfile="$SPA_CONTAINERD_RUN/containerd.pid"
  [ -f "$pidfile" ] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null && grep -q containerd "/proc/$pid/comm" 2>/dev/null; then
    log "stopping the tests' containerd (pid $pid)"
    kill "$pid"
    local i
    for i in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  fi
  rm -f "$pidfile"
}

# kube-apiserver and etcd for the integration tests, in $KUBEBUILDER_ASSETS (envtest convention; default below).
# etcd: Debian's etcd-server. kube-apiserver: built offline from Debian's `kubernetes` source package (1.20.x,
# Go dependencies vendored) with Debian's golang-go, about five minutes on 2 cores; nothing else is fetched.
# Idempotent: when $KUBEBUILDER_ASSETS/kube-apiserver exists nothing is rebuilt. Needs root.
SPA_KUBEBUILDER_ASSETS_DEFAULT=/var/cache/static-pod-agent/kubebuilder/bin
SPA_K8S_SRC=${SPA_K8S_SRC:-/var/cache/static-pod-agent/src}

# The unpacked kubernetes source tree (fetched with apt-get source when missing), without a trailing slash.
_spa_kubernetes_srcdir() {
  local srcdir
  srcdir=$(ls -d "$SPA_K8S_SRC"/kubernetes-1.20*/ 2>/dev/null | head -1 || true)
  if [ -z "$srcdir" ]; then
    _spa_kubernetes_source >&2 || return 1
    srcdir=$(ls -d "$SPA_K8S_SRC"/kubernetes-1.20*/ 2>/dev/null | head -1 || true)
  fi
  [ -n "$srcdir" ] || return 1
  echo "${srcdir%/}"
}
ensure_apiserver() {
  local assets=${KUBEBUILDER_ASSETS:-$SPA_KUBEBUILDER_ASSETS_DEFAULT}
  mkdir -p "$assets"
  if [ ! -x "$assets/etcd" ]; then
    apt_install etcd-server
    install -m 0755 /usr/bin/etcd "$assets/etcd"
    log "etcd $("$assets/etcd" --version 2>/dev/null | awk '/etcd Version/{print $3}') installed in $assets"
  fi
  if [ -x "$assets/kube-apiserver" ]; then
    return 0
  fi
  local srcdir
  srcdir=$(_spa_kubernetes_srcdir) || return 1
  apt_install golang-go make rsync jq
  # Debian's upstream version reads "1.20.5+really1.20.2": the code is the part after "really"
  local version=${srcdir##*/kubernetes-}
  version=v${version##*really}
  local buildlog="$SPA_K8S_SRC/kube-apiserver-build.log"
  log "building kube-apiserver $version from $srcdir with $(go version | awk '{print $3}') (a few minutes; log: $buildlog)"
  local start=$SECONDS
  # the 1.20 build runs in GOPATH mode (GO111MODULE=off, vendor/); no Go module proxy may be asked for anything
  if ! (cd "$srcdir" && rm -rf _output .make \
        && env -u GOFLAGS GOPROXY=off GOTOOLCHAIN=local CGO_ENABLED=0 HOME="${HOME:-/root}" KUBE_GIT_VERSION="$version" \
           make WHAT=cmd/kube-apiserver) >"$buildlog" 2>&1; then
    log "kube-apiserver build failed; last lines of $buildlog:"
    tail -30 "$buildlog" >&2
    return 1
  fi
  install -m 0755 "$srcdir/_output/bin/kube-apiserver" "$assets/kube-apiserver.tmp"
  mv "$assets/kube-apiserver.tmp" "$assets/kube-apiserver"
  rm -rf "$srcdir/_output" "$srcdir/.make"   # 1.5 GiB of build cache; the source stays for a rebuild
  log "kube-apiserver $("$assets/kube-apiserver" --version 2>/dev/null | awk '{print $2}') built in $((SECONDS - start)) s, installed in $assets"
}

# Fetches and unpacks Debian's kubernetes 1.20.x source package into $SPA_K8S_SRC. The machine's apt sources
# have no deb-src line: one is added in its own file, for this release first, then bullseye (which has 1.20.x).
_spa_kubernetes_source() {
  apt_install dpkg-dev
  local list=/etc/apt/sources.list.d/static-pod-agent-src.sources
  local codename suite
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  for suite in "$codename" bullseye; do
    if [ -n "$(_spa_kubernetes_source_version)" ]; then break; fi
    log "adding a deb-src source for Debian $suite ($list)"
    if [ -f "$list" ] && grep -q "^Suites: $suite\$" "$list"; then
      :
    else
      cat >>"$list" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

SRC
    fi
    apt-get update -qq && apt_updated=1
  done
  local v
  v=$(_spa_kubernetes_source_version)
  if [ -z "$v" ]; then
    log "no kubernetes 1.20.x source package in Debian's $codename or bullseye"
    return 1
  fi
  mkdir -p "$SPA_K8S_SRC"
  log "fetching Debian's kubernetes $v source package into $SPA_K8S_SRC"
  (cd "$SPA_K8S_SRC" && apt-get source -qq "kubernetes=$v" >/dev/null 2>"$SPA_K8S_SRC/apt-source.log") || {
    tail -20 "$SPA_K8S_SRC/apt-source.log" >&2; return 1; }
}

# The first kubernetes 1.20.x source version apt lists, or nothing (awk reads all: no SIGPIPE under pipefail).
_spa_kubernetes_source_version() {
  apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version: 1\.20/ && !v {v=$2} END {print v}'
}

# kubeadm, kube-controller-manager and kube-scheduler v1.20.x for the control plane test, and kubelet (dockershim is
# in-tree in 1.20; bench/run runs it) and kubectl, next to kube-apiserver in $KUBEBUILDER_ASSETS: built offline from
# the same Debian `kubernetes` source package, the same way as ensure_apiserver (GOPATH mode, vendor/, GOPROXY=off),
# in one `make` in a copy of the cached source tree ($SPA_K8S_SRC/control-plane-build, so that builds never share
# _output) whose vendored github.com/modern-go/reflect2 v1.0.1 gets v1.0.2's mapiterinit change (Go >= 1.18
# crashes on map iteration without it). CGO as upstream's release build decides per binary (hack/lib/golang.sh):
# all static (CGO_ENABLED=0) except the kubelet, which upstream 1.20 links with cgo (glibc's resolver and user
# lookup). Idempotent per binary: only missing ones are built. About 10-15 minutes on 2 cores. Needs root.
SPA_CONTROL_PLANE_BINARIES=(kubeadm kube-controller-manager kube-scheduler kubelet kubectl)
ensure_control_plane_binaries() {
  ensure_apiserver || return 1
  local assets=${KUBEBUILDER_ASSETS:-$SPA_KUBEBUILDER_ASSETS_DEFAULT}
  local b what=()
  for b in "${SPA_CONTROL_PLANE_BINARIES[@]}"; do [ -x "$assets/$b" ] || what+=("cmd/$b"); done
  [ ${#what[@]} -eq 0 ] && return 0
  local srcdir
  srcdir=$(_spa_kubernetes_srcdir) || return 1
  apt_install golang-go make rsync jq gcc libc6-dev
  local version=${srcdir##*/kubernetes-}
  version=v${version##*really}
  local builddir="$SPA_K8S_SRC/control-plane-build"
  rm -rf "$builddir"
  mkdir -p "$builddir"
  # the source only (no _output or .make of a build in progress there)
  rsync -a --exclude=/_output --exclude=/.make "$srcdir/" "$builddir/"
  _spa_patch_reflect2 "$builddir/vendor/github.com/modern-go/reflect2" || return 1
  local buildlog="$SPA_K8S_SRC/control-plane-build.log"
  log "building ${what[*]} $version from a copy of $srcdir with $(go version | awk '{print $3}') (10-15 minutes; log: $buildlog)"
  local start=$SECONDS
  if ! (cd "$builddir" \
        && env -u GOFLAGS -u CGO_ENABLED GOPROXY=off GOTOOLCHAIN=local HOME="${HOME:-/root}" KUBE_GIT_VERSION="$version" \
           make WHAT="${what[*]}") >"$buildlog" 2>&1; then
    log "control plane build failed; last lines of $buildlog:"
    tail -30 "$buildlog" >&2
    return 1
  fi
  for b in "${what[@]}"; do
    b=${b#cmd/}
    install -m 0755 "$builddir/_output/bin/$b" "$assets/$b.tmp"
    mv "$assets/$b.tmp" "$assets/$b"
  done
  rm -rf "$builddir"   # the copy and its build cache (GBs); the cached source stays
  log "${what[*]} built in $((SECONDS - start)) s, installed in $assets"
}

# reflect2 v1.0.1 declares reflect.mapiterinit as returning the iterator; since Go 1.18 the caller passes it in
# (reflect2 v1.0.2's fix, with the full hiter layout so that the runtime can fill it in). Idempotent.
_spa_patch_reflect2() {
  local dir=$1
  grep -q 'm unsafe.Pointer, it \*hiter)$' "$dir/unsafe_link.go" && return 0
  perl -0pi -e 's/func mapiterinit\(rtype unsafe.Pointer, m unsafe.Pointer\) \*hiter/func mapiterinit(rtype unsafe.Pointer, m unsafe.Pointer, it *hiter)/;
    s/type hiter struct \{.*?\n\}/type hiter struct {\n\tkey         unsafe.Pointer\n\tvalue       unsafe.Pointer\n\tt           unsafe.Pointer\n\th           unsafe.Pointer\n\tbuckets     unsafe.Pointer\n\tbptr        unsafe.Pointer\n\toverflow    *[]unsafe.Pointer\n\toldoverflow *[]unsafe.Pointer\n\tstartBucket uintptr\n\toffset      uint8\n\twrapped     bool\n\tB           uint8\n\ti           uint8\n\tbucket      uintptr\n\tcheckBucket uintptr\n}/s' "$dir/unsafe_link.go"
  perl -0pi -e 's/\treturn &UnsafeMapIterator\{\n\t\thiter:      mapiterinit\(type2.rtype, \*\(\*unsafe.Pointer\)\(obj\)\),/\tvar it hiter\n\tmapiterinit(type2.rtype, *(*unsafe.Pointer)(obj), &it)\n\treturn &UnsafeMapIterator{\n\t\thiter:      &it,/' "$dir/unsafe_map.go"
  if ! grep -q 'm unsafe.Pointer, it \*hiter)$' "$dir/unsafe_link.go" || ! grep -q 'hiter:      &it,' "$dir/unsafe_map.go"; then
    log "could not patch reflect2's mapiterinit in $dir"
    return 1
  fi
}

# The images kubeadm v1.20.2's manifests name, made locally (no registry here), each a `docker import` of a tiny
# rootfs with the binary in /usr/local/bin (PATH=/usr/local/bin:/bin), the shared libraries it links (ldd) and
# /etc/passwd, /etc/group, /tmp: k8s.gcr.io/kube-{apiserver,controller-manager,scheduler}:v1.20.2 from
# $KUBEBUILDER_ASSETS (ensure_control_plane_binaries) and k8s.gcr.io/etcd:3.4.13-0 holding Debian's etcd (the tag
# kubeadm 1.20.2 writes, whatever the etcd version inside). Each image carries the sha256 of its binary as the
# label io.staticpod.binary.sha256: rebuilt when missing or when the binary changed. Needs Docker.
SPA_K8S_IMAGE_VERSION=${SPA_K8S_IMAGE_VERSION:-v1.20.2}
SPA_ETCD_IMAGE_TAG=${SPA_ETCD_IMAGE_TAG:-3.4.13-0}
ensure_control_plane_images() {
  ensure_control_plane_binaries || return 1
  local assets=${KUBEBUILDER_ASSETS:-$SPA_KUBEBUILDER_ASSETS_DEFAULT}
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler; do
    _spa_binary_image "k8s.gcr.io/$b:$SPA_K8S_IMAGE_VERSION" "$assets/$b" || return 1
  done
  _spa_binary_image "k8s.gcr.io/etcd:$SPA_ETCD_IMAGE_TAG" "$assets/etcd" || return 1
}

# _spa_binary_image IMAGE BINARY: the image holding BINARY as /usr/local/bin/<name>, unless it already holds it.
_spa_binary_image() {
  local image=$1 bin=$2
  local name sum have
  name=$(basename "$bin")
  sum=$(sha256sum "$bin" | awk '{print $1}')
  have=$(docker image inspect --format '{{index .Config.Labels "io.staticpod.binary.sha256"}}' "$image" 2>/dev/null || true)
  [ "$have" = "$sum" ] && return 0
  log "building $image from $bin"
  local d; d=$(mktemp -d)
  mkdir -p "$d/usr/local/bin" "$d/bin" "$d/etc" "$d/tmp" "$d/var/lib" "$d/var/run"
  chmod 1777 "$d/tmp"
  install -m 0755 "$bin" "$d/usr/local/bin/$name"
  # a dynamically linked binary (Debian's etcd links libc) gets its libraries and loader at their paths
  local lib
  for lib in $(ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' || true); do
    mkdir -p "$d$(dirname "$lib")"
    cp -L "$lib" "$d$lib"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$d/etc/passwd"
  echo 'root:x:0:' > "$d/etc/group"
  echo 'hosts: files dns' > "$d/etc/nsswitch.conf"
  if ! tar -C "$d" -c . | docker import \
      --change 'ENV PATH=/usr/local/bin:/bin' \
      --change "LABEL io.staticpod.binary.sha256=$sum" \
      --change "CMD [\"/usr/local/bin/$name\"]" - "$image" >/dev/null; then
    rm -rf "$d"
    log "docker import of $image failed"
    return 1
  fi
  rm -rf "$d"
}

# The four images kubeadm v1.20.2's manifests name (ensure_control_plane_images builds them into Docker), imported
# into the tests' containerd (ensure_containerd), in SPA_CONTAINERD_NAMESPACE (ctr) and k8s.io (CRI), and nothing else. Each imported image
# carries Docker's image id as the label io.staticpod.docker.id: imported again only when missing there, incomplete,
# or when Docker's image changed (a rebuilt binary). Idempotent; fast when all four are there. Needs Docker and
# the tests' containerd up.
ensure_control_plane_images_containerd() {
  local ns image id have
  for ns in "$SPA_CONTAINERD_NAMESPACE" "$SPA_CRI_NAMESPACE"; do
  local ctr=(ctr --address "$SPA_CONTAINERD_SOCKET" --namespace "$ns")
  for image in "k8s.gcr.io/kube-apiserver:$SPA_K8S_IMAGE_VERSION" \
               "k8s.gcr.io/kube-controller-manager:$SPA_K8S_IMAGE_VERSION" \
               "k8s.gcr.io/kube-scheduler:$SPA_K8S_IMAGE_VERSION" \
               "k8s.gcr.io/etcd:$SPA_ETCD_IMAGE_TAG"; do
    if ! id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null); then
      log "$image is not in Docker: run ensure_control_plane_images first"
      return 1
    fi
    have=$("${ctr[@]}" images ls "name==$image" 2>/dev/null | awk 'NR==2{print $NF}' \
      | tr ',' '\n' | sed -n 's/^io\.staticpod\.docker\.id=//p')
    if [ "$have" = "$id" ] && "${ctr[@]}" images check "name==$image" 2>/dev/null | grep -q complete; then
      continue
    fi
    log "importing $image ($id) into containerd namespace $ns"
    if ! docker save "$image" | "${ctr[@]}" images import - >/dev/null; then
      log "import of $image into containerd failed"
      return 1
    fi
    "${ctr[@]}" images label "$image" "io.staticpod.docker.id=$id" >/dev/null || return 1
  done
  done
}
