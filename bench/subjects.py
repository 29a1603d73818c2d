"""The daemons the benchmark measures, each on its own node name, manifest directory and state (stdlib only).

  * Agent: static-pod-agent with `--runtime NAME` (on cri and containerd also `--container-runtime-endpoint` of the
    benchmark's containerd), its node API on a free port, started through the packaged launcher
    (packaging/deb/static-pod-agent.sh: its JVM options) unless --no-launcher;
  * Kubelet: the real kubelet v1.20.2 with dockershim on the same Docker engine, through bench/docker_api_proxy.py
    (negative OomScoreAdj clamped to 0, and a label that keeps its view to its own containers).

Footprint: each daemon starts in a cpuacct cgroup of its own (cgroup v1 `cpuacct`, or cgroup v2), so its CPU counts
every process it spawns, reaped or not; without one, the CPU of its process tree from /proc (the tree's own times
plus what each member reaped). RSS is the sum of VmRSS over the process tree at the time of the sample.
"""
import json
import os
import shlex
import shutil
import socket
import subprocess
import time

from observe import log

PAUSE = os.environ.get("SPA_PAUSE_IMAGE", "static-pod-agent.local/pause:1.0")
CGROUP = "/sys/fs/cgroup"
TICK = os.sysconf("SC_CLK_TCK")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---------------------------------------------------------------- process tree and cgroups

def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        head, tail = f.read().rsplit(")", 1)
    return tail.split()  # tail[1] is ppid (field 4); utime, stime, cutime, cstime are tail[11:15]


def tree(root):
    """root and its live descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                children.setdefault(int(_stat(d)[1]), []).append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def tree_sample(root):
    """(RSS MiB of the tree, CPU s of the tree incl. what its members reaped, CPU s of root alone, processes)."""
    rss, cpu, own, n = 0, 0.0, 0.0, 0
    for p in tree(root):
        try:
            f = _stat(p)
            with open(f"/proc/{p}/status") as st:
                for line in st:
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue
        t = sum(int(x) for x in f[11:15]) / TICK
        cpu += t
        n += 1
        if p == root:
            own = (int(f[11]) + int(f[12])) / TICK
    return rss / 1024, cpu, own, n


class CpuCgroup:
    """A cgroup that a daemon joins before it execs: its CPU then counts every descendant."""

    def __init__(self, run_id, name):
        self.path, self.usage = None, None
        v1 = os.path.join(CGROUP, "cpuacct")
        try:
            if os.path.isfile(os.path.join(v1, "cpuacct.usage")):
                self.path = os.path.join(v1, run_id, name)
                os.makedirs(self.path, exist_ok=True)
                self.usage = lambda: int(open(os.path.join(self.path, "cpuacct.usage")).read()) / 1e9
            elif os.path.isfile(os.path.join(CGROUP, "cgroup.controllers")):
                self.path = os.path.join(CGROUP, run_id, name)
                os.makedirs(self.path, exist_ok=True)
                self.usage = lambda: _v2_usage(self.path)
        except OSError as e:
            log(f"no cgroup for {name} ({e}): CPU from the /proc process tree")
            self.path, self.usage = None, None

    def procs(self):
        return os.path.join(self.path, "cgroup.procs") if self.path else None

    def remove(self):
        if self.path:
            rmdir_tree(self.path)


def _v2_usage(path):
    for line in open(os.path.join(path, "cpu.stat")):
        if line.startswith("usage_usec"):
            return int(line.split()[1]) / 1e6
    return 0.0


def rmdir_tree(path):
    """Removes an empty cgroup directory tree bottom-up (rmdir only: a cgroup with tasks stays)."""
    for d, _, _ in sorted(os.walk(path), key=lambda w: -len(w[0])):
        try:
            os.rmdir(d)
        except OSError:
            pass


def launch(argv, cgroup, logpath, env=None, prelude=""):
    """Starts argv in a new session after `sh` has joined the cgroup; the pid is the daemon's (exec)."""
    procs = cgroup.procs()
    script = (f"echo $$ > {shlex.quote(procs)} && " if procs else "") + prelude + \
        "exec " + " ".join(shlex.quote(a) for a in argv)
    logf = open(logpath, "a")
    logf.write(f"==== {time.strftime('%H:%M:%S')} {' '.join(argv)}\n")
    logf.flush()
    return subprocess.Popen(["sh", "-c", script], stdout=logf, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


# ---------------------------------------------------------------- subjects

class Subject:
    kind = "?"

    def __init__(self, b, name, node, rt):
        self.b, self.name, self.node, self.rt = b, name, node, rt
        self.dir = os.path.join(b.scratch, name)
        self.manifests = os.path.join(self.dir, "manifests")
        self.log = os.path.join(b.scratch, name + ".log")
        os.makedirs(self.manifests, exist_ok=True)
        self.cgroup = CpuCgroup(b.run_id, name)
        self.proc = None

    def full(self, pod):
        return f"{pod}-{self.node}"

    def start(self):
        """Starts the daemon; returns t0 (ns) taken right before the exec."""
        t0 = time.time_ns()
        self.proc = launch(self.argv(), self.cgroup, self.log, self.env(), self.prelude())
        with open(os.path.join(self.b.scratch, self.name + ".pid"), "w") as f:
            f.write(str(self.proc.pid))
        return t0

    def env(self):
        return None

    def prelude(self):
        return ""

    def check(self):
        """Raises, naming the daemon, its exit code and its last log lines, when it is not running."""
        if self.proc is None or self.proc.poll() is not None:
            rc = None if self.proc is None else self.proc.returncode
            raise RuntimeError(f"{self.name} (node {self.node}) is not running (exit code {rc}); "
                               f"last lines of {self.log}:\n{tail(self.log)}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def sample(self):
        """{rss_mib, cpu_s (tree/cgroup), own_cpu_s, procs}."""
        rss, cpu, own, n = tree_sample(self.proc.pid)
        if self.cgroup.usage:
            cpu = self.cgroup.usage()
        return {"rss_mib": rss, "cpu_s": cpu, "own_cpu_s": own, "procs": n}

    def forget(self):
        """After its pods were removed behind its back while it was stopped."""

    def describe(self):
        return {"kind": self.kind, "node": self.node, "engine": self.rt.name,
                "cpu_accounting": "cgroup" if self.cgroup.usage else "proc-tree"}


class Agent(Subject):
    kind = "agent"

    def __init__(self, b, runtime, rt):
        super().__init__(b, f"agent-{runtime}", f"{b.run_id}-{runtime}", rt)
        self.runtime = runtime
        self.root = os.path.join(self.dir, "root")
        os.makedirs(self.root, exist_ok=True)
        self.port = free_port()  # the node API on, as by default, on a port of its own (subjects run side by side)

    def argv(self):
        b = self.b
        args = ["--pod-manifest-path", self.manifests, "--hostname-override", self.node, "--runtime", self.runtime,
                "--pod-infra-container-image", PAUSE, "--root-dir", self.root, "--healthz-port", "0",
                # the node API on, as the kubelet's: loopback, a free port of its own (not a shared 10250)
                "--address", "127.0.0.1", "--port", str(self.port)]
        if self.rt.name == "cri":
            args += ["--container-runtime-endpoint", "unix://" + self.rt.socket]
        if b.node_kubeconfigs:
            args += ["--kubeconfig", b.node_kubeconfigs[self.node]]
        args += b.agent_args
        if b.launcher:
            return ["sh", b.launcher] + args
        return ["java"] + b.java_opts + ["-jar", b.jar] + args

    def env(self):
        if not self.b.launcher:
            return None
        # the launcher's class-data archive in a directory of the subject's own, as on a node of its own (see
        # Bench.class_data_archive)
        return dict(os.environ, STATIC_POD_AGENT_JAR=self.b.jar, STATIC_POD_AGENT_CDS_DIR=self.class_data_dir(),
                    STATIC_POD_AGENT_JAVA_OPTS=" ".join(self.b.java_opts))

    def class_data_dir(self):
        """The launcher's class-data archive directory of this agent, or None without the launcher."""
        return os.path.join(self.dir, "cds") if self.b.launcher else None

    def class_data_archive(self):
        """Whether the daemon's JVM maps the launcher's class-data archive."""
        try:
            with open(f"/proc/{self.proc.pid}/maps") as f:
                return os.path.join(self.dir, "cds") in f.read()
        except OSError:
            return False

    def describe(self):
        d = super().describe()
        d.update(runtime=self.runtime, launcher=bool(self.b.launcher), java_opts=" ".join(self.b.java_opts),
                 version=self.b.agent_version)
        return d


# /proc/sys values the kubelet sets at start (vm.overcommit_memory=1, kernel.panic=10, kernel.panic_on_oops=1,
# pkg/kubelet/cm setupKernelTunables): shown to it, in a mount namespace of its own, as already set, so that the
# shared machine's settings stay as they are.
KERNEL_TUNABLES = {"vm/overcommit_memory": "1", "kernel/panic": "10", "kernel/panic_on_oops": "1"}


class Kubelet(Subject):
    kind = "kubelet"

    def __init__(self, b, binary, rt):
        super().__init__(b, "kubelet", f"{b.run_id}-kubelet", rt)
        self.binary = binary
        self.root = os.path.join(self.dir, "root")
        self.shim = os.path.join(self.dir, "dockershim")
        self.docker_sock = os.path.join(self.dir, "docker.sock")
        self.cgroup_root = f"/{b.run_id}-kubepods"
        self.label = f"io.staticpod.bench={self.node}"
        self.proxy = None
        self.proxy_log = os.path.join(b.scratch, "docker-api-proxy.log")
        self.version = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
        for d in (self.root, self.shim):
            os.makedirs(d, exist_ok=True)
        self.tunables = os.path.join(self.dir, "sysctl")
        os.makedirs(self.tunables, exist_ok=True)
        for key, value in KERNEL_TUNABLES.items():
            with open(os.path.join(self.tunables, key.replace("/", ".")), "w") as f:
                f.write(value + "\n")
        self.make_cgroup_root()

    def make_cgroup_root(self):
        """--cgroup-root of this kubelet's own in every cgroup v1 hierarchy: its QoS and pod cgroups (and its
        clean-up of pod cgroups it does not know) stay apart from any other kubelet's."""
        for h in sorted(os.listdir(CGROUP)):
            base = os.path.join(CGROUP, h)
            if os.path.islink(base) or not os.path.isfile(os.path.join(base, "cgroup.procs")) or h == "unified":
                continue
            d = base + self.cgroup_root
            os.makedirs(d, exist_ok=True)
            if h == "cpuset":
                for f in ("cpuset.cpus", "cpuset.mems"):
                    with open(os.path.join(base, f)) as src, open(os.path.join(d, f), "w") as dst:
                        dst.write(src.read())

    def start_proxy(self):
        if self.proxy and self.proxy.poll() is None:
            return
        if os.path.exists(self.docker_sock):
            os.unlink(self.docker_sock)
        self.proxy = subprocess.Popen(
            ["python3", os.path.join(self.b.here, "docker_api_proxy.py"), "--listen", self.docker_sock,
             "--label", self.label, "--log", self.proxy_log], start_new_session=True)
        with open(os.path.join(self.b.scratch, "docker-api-proxy.pid"), "w") as f:
            f.write(str(self.proxy.pid))
        deadline = time.monotonic() + 10
        while not os.path.exists(self.docker_sock):
            if time.monotonic() > deadline or self.proxy.poll() is not None:
                raise RuntimeError(f"the Docker API proxy did not start; {self.proxy_log}:\n{tail(self.proxy_log)}")
            time.sleep(0.05)

    def config(self):
        cfg = {
            "apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
            "staticPodPath": self.manifests,
            "address": "127.0.0.1", "port": free_port(), "readOnlyPort": 0, "healthzPort": 0,
            "authentication": {"anonymous": {"enabled": False}, "webhook": {"enabled": False}},
            "authorization": {"mode": "AlwaysAllow"},
            "cgroupDriver": "cgroupfs", "cgroupRoot": self.cgroup_root, "failSwapOn": False,
            # not on a shared machine: host iptables chains, and image garbage collection of shared images
            "makeIPTablesUtilChains": False,
            "imageGCHighThresholdPercent": 100, "imageGCLowThresholdPercent": 99,
        }
        path = os.path.join(self.dir, "config.yaml")
        with open(path, "w") as f:
            json.dump(cfg, f, indent=1)  # JSON is YAML
        return path

    def argv(self):
        self.start_proxy()
        args = [self.binary, "--config", self.config(), "--hostname-override", self.node,
                "--root-dir", self.root, "--cert-dir", os.path.join(self.root, "pki"),
                "--container-runtime", "docker", "--docker-endpoint", "unix://" + self.docker_sock,
                "--container-runtime-endpoint", "unix://" + os.path.join(self.dir, "dockershim.sock"),
                "--experimental-dockershim-root-directory", self.shim,
                "--pod-infra-container-image", PAUSE,
                "--volume-plugin-dir", os.path.join(self.dir, "volume-plugins"), "--v", "2"]
        if self.b.node_kubeconfigs:
            args += ["--kubeconfig", self.b.node_kubeconfigs[self.node]]
        binds = " && ".join(f"mount --bind {shlex.quote(os.path.join(self.tunables, k.replace('/', '.')))} "
                            f"/proc/sys/{k}" for k in KERNEL_TUNABLES)
        inner = binds + " && exec " + " ".join(shlex.quote(a) for a in args)
        return ["unshare", "--mount", "--propagation", "slave", "sh", "-c", inner]

    def stop(self):
        super().stop()

    def stop_proxy(self):
        if self.proxy and self.proxy.poll() is None:
            self.proxy.terminate()
            self.proxy.wait(10)

    def proxy_cpu_s(self):
        if not self.proxy or self.proxy.poll() is not None:
            return 0.0
        f = _stat(self.proxy.pid)
        return (int(f[11]) + int(f[12])) / TICK

    def forget(self):
        """dockershim's sandbox checkpoints of the sandboxes removed by hand (else it retries them at start)."""
        shutil.rmtree(os.path.join(self.shim, "sandbox"), ignore_errors=True)

    def cleanup(self):
        self.stop_proxy()
        for h in os.listdir(CGROUP):
            if os.path.isdir(os.path.join(CGROUP, h) + self.cgroup_root):
                rmdir_tree(os.path.join(CGROUP, h) + self.cgroup_root)

    def describe(self):
        d = super().describe()
        d.update(version=self.version, binary=self.binary, runtime="dockershim", cgroup_root=self.cgroup_root,
                 docker_endpoint="bench/docker_api_proxy.py")
        return d
