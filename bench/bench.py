#!/usr/bin/env python3
"""static-pod-agent benchmark driver (started by bench/run; standard library only).

Timing sources:
  * containers: `docker events --format '{{.TimeNano}} {{json .}}'` (the engine's own start/die time stamps);
  * mirror pods: one HTTP watch of the API server's pods in namespace default (stdlib http.client + ssl, the
    admin certificate); a mirror event's time is when the watch line was received here (no polling);
  * t0 of a file action: time.time_ns() right before the rename/unlink; the engine and this process share
    the host clock.
Every scenario has a baseline measured in the same run (raw `docker` CLI, or raw API calls for mirrors).
"""
import argparse
import base64
import concurrent.futures
import http.client
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

BUSYBOX = os.environ.get("SPA_BUSYBOX_IMAGE", "static-pod-agent.local/busybox:1.35")
PAUSE = os.environ.get("SPA_PAUSE_IMAGE", "static-pod-agent.local/pause:1.0")
APP_CMD = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
NODE_LABEL = "io.staticpod.agent.node"
BENCH_LABEL = "io.staticpod.bench"
NS = 1_000_000_000

# The kubelet v1.20.2 (dockershim) on this kind of machine, medians, from issue 7: reference only, not same run.
KUBELET = {
    "drop_running": 296, "crash1_restarted": 440, "crash2_restarted": 12000, "crash3_restarted": 24800,
    "drop_mirror_running": 1260, "mirror_delete_graceful": 7700, "mirror_delete_forced": 88000,
    "edit_replaced": 345, "remove_containers_gone": 85, "remove_mirror_gone": 460,
    "scale50_running": 8500, "scale50_mirrors_running": 29200, "scale50_mirrors_gone": 20300,
    "scale50_then10_running": 374000,
    "idle0_rss_mib": 85, "idle10_rss_mib": 99, "idle50_rss_mib": 107,
    "idle0_cpu_pct": 0.7, "idle10_cpu_pct": 1.5, "idle50_cpu_pct": 4.4,
}
TARGET = {
    "drop_running": "<=0.9x base", "drop_hostnet_running": "<=1.0x base", "crash1_restarted": "<=250 ms",
    "crash2_restarted": "10 s +-0.5", "crash3_restarted": "20 s +-0.5", "drop_mirror_running": "<=600 ms",
    "mirror_delete_graceful": "<=1000 ms", "mirror_delete_forced": "<=1000 ms",
    "scale50_running": "<=6000 ms", "scale50_mirrors_running": "<=1 s after last",
    "scale50_then10_running": "<=2000 ms", "jvm_start_first_pod": "<=1500 ms",
    "idle50_rss_mib": "<=80 MiB", "idle50_cpu_pct": "<=1 %",
}


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def sh(argv, check=True, timeout=120):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout.strip()


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---------------------------------------------------------------- docker events

class Events:
    def __init__(self):
        self.cv = threading.Condition()
        self.items = []
        self.proc = subprocess.Popen(
            ["docker", "events", "--filter", "type=container", "--format", "{{.TimeNano}} {{json .}}"],
            stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            try:
                ts, js = line.split(" ", 1)
                m = json.loads(js)
                ev = {"t": int(ts), "action": m.get("Action") or m.get("status"), "id": m.get("id"),
                      "attrs": (m.get("Actor") or {}).get("Attributes") or {}}
            except ValueError:
                continue
            with self.cv:
                self.items.append(ev)
                self.cv.notify_all()

    def mark(self):
        with self.cv:
            return len(self.items)

    def wait(self, pred, since, timeout, count=1):
        """The first `count` events after index `since` matching pred; raises on timeout."""
        deadline = time.monotonic() + timeout
        found, i = [], since
        with self.cv:
            while True:
                while i < len(self.items):
                    if pred(self.items[i]):
                        found.append(self.items[i])
                        if len(found) >= count:
                            return found
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"waited {timeout}s for {count} events, saw {len(found)}")
                self.cv.wait(left)

    def close(self):
        self.proc.kill()


def is_start(pod_full, container="app"):
    return lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.pod.name") == pod_full
                      and e["attrs"].get("io.kubernetes.container.name") == container)


def is_die_of(pod_full):
    return lambda e: e["action"] == "die" and e["attrs"].get("io.kubernetes.pod.name") == pod_full


# ---------------------------------------------------------------- API server watch

class Api:
    def __init__(self, kubeconfig, scratch):
        text = open(kubeconfig).read()
        server = re.search(r"server: https://([^:\s]+):(\d+)", text)
        self.host, self.port = server.group(1), int(server.group(2))
        files = {}
        for key in ("certificate-authority-data", "client-certificate-data", "client-key-data"):
            data = re.search(key + r": (\S+)", text).group(1)
            path = os.path.join(scratch, "admin-" + key)
            with open(path, "wb") as f:
                f.write(base64.b64decode(data))
            files[key] = path
        self.ctx = ssl.create_default_context(cafile=files["certificate-authority-data"])
        self.ctx.load_cert_chain(files["client-certificate-data"], files["client-key-data"])
        self.cv = threading.Condition()
        self.items = []
        self.stopped = False
        threading.Thread(target=self._watch, daemon=True).start()

    def request(self, method, path, body=None, ctype="application/json"):
        c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": ctype} if body is not None else {})
        r = c.getresponse()
        data = r.read()
        c.close()
        if r.status >= 300 and r.status != 404:
            raise RuntimeError(f"{method} {path}: {r.status} {data[:300]!r}")
        return json.loads(data) if data else None

    def _watch(self):
        rv = ""
        while not self.stopped:
            try:
                c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=None)
                c.request("GET", "/api/v1/namespaces/default/pods?watch=true" + (f"&resourceVersion={rv}" if rv else ""))
                r = c.getresponse()
                while True:
                    line = r.readline()
                    if not line:
                        break
                    t = time.time_ns()
                    m = json.loads(line)
                    o = m.get("object") or {}
                    md = o.get("metadata") or {}
                    if m.get("type") == "ERROR":
                        rv = ""
                        break
                    rv = md.get("resourceVersion", rv)
                    ev = {"t": t, "type": m.get("type"), "name": md.get("name"), "uid": md.get("uid"),
                          "phase": (o.get("status") or {}).get("phase"), "deleting": "deletionTimestamp" in md}
                    with self.cv:
                        self.items.append(ev)
                        self.cv.notify_all()
            except Exception as e:  # reconnect
                if not self.stopped:
                    log("watch reconnect:", e)
                    time.sleep(0.2)

    def mark(self):
        with self.cv:
            return len(self.items)

    def wait(self, pred, since, timeout):
        deadline = time.monotonic() + timeout
        i = since
        with self.cv:
            while True:
                while i < len(self.items):
                    if pred(self.items[i]):
                        return self.items[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"waited {timeout}s for a pod watch event")
                self.cv.wait(left)

    def last(self, name):
        with self.cv:
            for ev in reversed(self.items):
                if ev["name"] == name:
                    return ev
        return None


def mirror_running(name, not_uid=None):
    return lambda e: (e["name"] == name and e["type"] in ("ADDED", "MODIFIED") and e["phase"] == "Running"
                      and not e["deleting"] and e["uid"] != not_uid)


def mirror_gone(name):
    return lambda e: e["name"] == name and e["type"] == "DELETED"


# ---------------------------------------------------------------- the agent

class Agent:
    def __init__(self, b):
        self.b = b
        self.proc = None

    def start(self):
        b = self.b
        argv = ["java"] + b.java_opts + ["-jar", b.jar, "--pod-manifest-path", b.manifests,
                                         "--hostname-override", b.node,
                                         "--pod-infra-container-image", PAUSE, "--root-dir", b.root,
                                         "--healthz-port", "0"]
        if b.node_kubeconfig:
            argv += ["--kubeconfig", b.node_kubeconfig]
        argv += b.agent_args
        logf = open(os.path.join(b.scratch, "agent.log"), "a")
        logf.write(f"==== {time.strftime('%H:%M:%S')} {' '.join(argv)}\n")
        logf.flush()
        t0 = time.time_ns()
        self.proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        with open(os.path.join(b.scratch, "agent.pid"), "w") as f:
            f.write(str(self.proc.pid))
        return t0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def rss_cpu(self):
        pid = self.proc.pid
        rss = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) / 1024
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime (fields 14 and 15)
        self.children_cpu = (int(fields[13]) + int(fields[14])) / ticks  # cutime + cstime: the reaped docker CLIs
        return rss, cpu


# ---------------------------------------------------------------- the bench

def pct(values, p):
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(-(-p * len(s) // 100)) - 1))  # nearest rank
    return s[k]


class Bench:
    def __init__(self, a):
        self.node, self.scratch, self.jar = a.node, a.scratch, a.jar
        self.runs = a.runs
        self.only = set(a.only.split(",")) if a.only else None
        self.manifests = os.path.join(self.scratch, "manifests")
        self.root = os.path.join(self.scratch, "root")
        os.makedirs(self.manifests, exist_ok=True)
        os.makedirs(self.root, exist_ok=True)
        self.java_opts = a.java_opts.split() if a.java_opts else []
        self.agent_args = a.agent_args.split() if a.agent_args else []
        self.node_kubeconfig = a.node_kubeconfig
        self.api = Api(a.admin_kubeconfig, self.scratch) if a.admin_kubeconfig else None
        self.scale = [int(x) for x in a.scale.split(",") if x]
        self.idle = a.idle
        self.results = {}   # name -> {"values": [...ms], "baseline": name}
        self.baselines = {}  # name -> [...ms]
        self.loads = []
        self.marks = []
        self.ev = Events()
        self.agent = Agent(self)
        self.seq = 0
        time.sleep(0.5)  # let `docker events` subscribe

    # -- helpers
    def want(self, name):
        return self.only is None or name in self.only

    def full(self, name):
        return f"{name}-{self.node}"

    def record(self, name, ms, baseline=None, pod=None, t0=None):
        r = self.results.setdefault(name, {"values": [], "baseline": baseline})
        if pod and t0:
            self.marks.append({"scenario": name, "pod": self.full(pod), "t0": t0, "ms": round(ms, 1)})
        r["values"].append(round(ms, 1))
        log(f"  {name}: {ms:.0f} ms")

    def record_base(self, name, ms):
        self.baselines.setdefault(name, []).append(round(ms, 1))
        log(f"  baseline {name}: {ms:.0f} ms")

    def pod(self, name, gen="1", host_network=False):
        spec = {"terminationGracePeriodSeconds": 5,
                "containers": [{"name": "app", "image": BUSYBOX, "imagePullPolicy": "IfNotPresent",
                                "command": APP_CMD, "env": [{"name": "GEN", "value": gen}]}]}
        if host_network:
            spec["hostNetwork"] = True
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"bench": "1"}},
                "spec": spec}

    def path(self, name):
        return os.path.join(self.manifests, name + ".json")

    def stage(self, name, **kw):
        """Writes the manifest under a dotfile name (ignored by the agent); returns the rename to do."""
        tmp = os.path.join(self.manifests, f".{name}.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.pod(name, **kw), f)
        return tmp, self.path(name)

    def drop(self, name, **kw):
        tmp, dst = self.stage(name, **kw)
        t0 = time.time_ns()
        os.rename(tmp, dst)
        return t0

    def wait_running(self, name, since, timeout=60):
        return self.ev.wait(is_start(self.full(name)), since, timeout)[0]

    def remove_and_wait(self, names, timeout=120):
        since = self.ev.mark()
        for n in names:
            os.unlink(self.path(n))
        self.wait_gone(names, since, timeout)

    def wait_gone(self, names, since, timeout=120):
        """Every container of these pods has died (sandbox and app)."""
        pending = {self.full(n) for n in names}
        deadline = time.monotonic() + timeout
        last = 0
        for full in list(pending):
            ids = self.container_ids(full)
            if not ids:
                continue
            evs = self.ev.wait(lambda e, ids=ids: e["action"] == "die" and e["id"] in ids, since,
                               max(1, deadline - time.monotonic()), count=len(ids))
            last = max(last, max(e["t"] for e in evs))
        return last

    def container_ids(self, full, running=True):
        out = sh(["docker", "ps"] + ([] if running else ["-a"]) + ["-q", "--no-trunc", "--filter",
                                                                   f"label=io.kubernetes.pod.name={full}"])
        return set(out.split())

    # -- baselines (raw docker CLI)
    def base_name(self):
        self.seq += 1
        return f"bench-{self.node}-{self.seq}"

    def base_pair(self):
        n = self.base_name()
        lbl = ["--label", f"{BENCH_LABEL}={self.node}"]
        sid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-pod", "--restart=no", "--ipc", "shareable"]
                 + lbl + [PAUSE])
        aid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-app", "--restart=no",
                  "--network", f"container:{sid}", "--ipc", f"container:{sid}"] + lbl
                 + ["-e", "GEN=1", "--entrypoint", "sh", BUSYBOX, "-c", APP_CMD[2]])
        return sid, aid

    def base_single(self):
        n = self.base_name()
        return sh(["docker", "run", "-d", "--pull=never", "--name", n + "-app", "--restart=no", "--network", "host",
                   "--label", f"{BENCH_LABEL}={self.node}", "--entrypoint", "sh", BUSYBOX, "-c", APP_CMD[2]])

    def timed_start(self, fn):
        """ms from before `fn` to the engine's start event of the last container fn returns."""
        since = self.ev.mark()
        t0 = time.time_ns()
        ids = fn()
        last = ids[-1] if isinstance(ids, tuple) else ids
        e = self.ev.wait(lambda e: e["action"] == "start" and e["id"] == last, since, 60)[0]
        return (e["t"] - t0) / 1e6, ids

    def rm(self, *ids):
        if ids:
            sh(["docker", "rm", "-f"] + list(ids), check=False)

    # ------------------------------------------------------------ scenarios
    def s_drop(self):
        log("scenario drop -> running (and mirror Running)")
        for i in range(self.runs):
            ms, ids = self.timed_start(self.base_pair)
            self.record_base("docker_run_sandbox_app", ms)
            self.rm(*ids)
            ms, cid = self.timed_start(self.base_single)
            self.record_base("docker_run_one", ms)
            self.rm(cid)

            name = f"drop-{i}"
            since, msince = self.ev.mark(), self.api.mark() if self.api else 0
            t0 = self.drop(name)
            e = self.wait_running(name, since)
            self.record("drop_running", (e["t"] - t0) / 1e6, "docker_run_sandbox_app", name, t0)
            if self.api:
                m = self.api.wait(mirror_running(self.full(name)), msince, 60)
                self.record("drop_mirror_running", (m["t"] - t0) / 1e6, "api_create_and_status", name, t0)
                self.record("drop_mirror_after_container", (m["t"] - e["t"]) / 1e6, "api_create_and_status")
                self.api_baseline()

            name = f"hostnet-{i}"
            since = self.ev.mark()
            t0 = self.drop(name, host_network=True)
            e = self.wait_running(name, since)
            self.record("drop_hostnet_running", (e["t"] - t0) / 1e6, "docker_run_one", name, t0)
            time.sleep(0.3)
        self.remove_and_wait([f"drop-{i}" for i in range(self.runs)] + [f"hostnet-{i}" for i in range(self.runs)])

    def api_baseline(self):
        """Raw API: create a pod object, then patch its status to Running, as a mirror needs; until watched."""
        name = self.base_name()
        since = self.api.mark()
        t0 = time.time_ns()
        self.api.request("POST", "/api/v1/namespaces/default/pods", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"automountServiceAccountToken": False, "containers": [{"name": "app", "image": BUSYBOX}]}})
        self.api.request("PATCH", f"/api/v1/namespaces/default/pods/{name}/status",
                         {"status": {"phase": "Running"}}, "application/merge-patch+json")
        m = self.api.wait(mirror_running(name), since, 30)
        self.record_base("api_create_and_status", (m["t"] - t0) / 1e6)
        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{name}", {"gracePeriodSeconds": 0})

    def s_crash(self):
        log("scenario crash -> restarted (1st, 2nd, 3rd)")
        for i in range(self.runs):
            sid, aid = self.base_pair()
            since = self.ev.mark()
            sh(["docker", "kill", aid])
            self.ev.wait(lambda e: e["action"] == "die" and e["id"] == aid, since, 30)
            ms, _ = self.timed_start(lambda: (sh(["docker", "start", aid]), aid)[1])
            self.record_base("docker_start", ms)
            self.rm(aid, sid)
        names = [f"crash-{i}" for i in range(self.runs)]
        since = self.ev.mark()
        for n in names:
            self.drop(n)
        current = {n: self.wait_running(n, since)["id"] for n in names}
        time.sleep(1)
        for k in (1, 2, 3):
            dies = {}
            marks = {}
            for n in names:  # 1st crash one pod at a time; later ones back to back (they wait 10 s / 20 s)
                marks[n] = self.ev.mark()
                sh(["docker", "kill", current[n]])
                if k == 1:
                    self.crash_wait(n, k, current, marks[n])
            if k > 1:
                for n in names:
                    self.crash_wait(n, k, current, marks[n])
            time.sleep(1)
        self.remove_and_wait(names)

    def crash_wait(self, n, k, current, since):
        old = current[n]
        die = self.ev.wait(lambda e: e["action"] == "die" and e["id"] == old, since, 30)[0]
        st = self.ev.wait(lambda e: is_start(self.full(n))(e) and e["id"] != old, since, 60)[0]
        current[n] = st["id"]
        base = {1: "docker_start", 2: "docker_start+10s", 3: "docker_start+20s"}[k]
        self.record(f"crash{k}_restarted", (st["t"] - die["t"]) / 1e6, base, n, die["t"])

    def s_edit(self):
        log("scenario edit -> replaced")
        for i in range(self.runs):
            sid, aid = self.base_pair()
            since = self.ev.mark()
            t0 = time.time_ns()
            sh(["docker", "stop", "-t", "5", aid])
            sh(["docker", "stop", "-t", "5", sid])
            sid2, aid2 = self.base_pair()
            e = self.ev.wait(lambda e: e["action"] == "start" and e["id"] == aid2, since, 60)[0]
            self.record_base("docker_stop_pair_run_pair", (e["t"] - t0) / 1e6)
            self.rm(sid, aid, sid2, aid2)

            name = f"edit-{i}"
            since = self.ev.mark()
            self.drop(name)
            old = self.wait_running(name, since)["id"]
            time.sleep(0.5)
            since = self.ev.mark()
            t0 = self.drop(name, gen="2")
            e = self.ev.wait(lambda e: is_start(self.full(name))(e) and e["id"] != old, since, 60)[0]
            self.record("edit_replaced", (e["t"] - t0) / 1e6, "docker_stop_pair_run_pair", name, t0)
        self.remove_and_wait([f"edit-{i}" for i in range(self.runs)])

    def s_remove(self):
        log("scenario remove -> gone")
        for i in range(self.runs):
            sid, aid = self.base_pair()
            since = self.ev.mark()
            t0 = time.time_ns()
            sh(["docker", "stop", "-t", "5", aid])
            sh(["docker", "stop", "-t", "5", sid])
            e = self.ev.wait(lambda e: e["action"] == "die" and e["id"] == sid, since, 60)[0]
            self.record_base("docker_stop_pair", (e["t"] - t0) / 1e6)
            self.rm(sid, aid)

            name = f"rm-{i}"
            since = self.ev.mark()
            self.drop(name)
            self.wait_running(name, since)
            if self.api:
                self.api.wait(mirror_running(self.full(name)), 0, 60)
            time.sleep(0.5)
            since, msince = self.ev.mark(), self.api.mark() if self.api else 0
            t0 = time.time_ns()
            os.unlink(self.path(name))
            last = self.wait_gone([name], since)
            self.record("remove_containers_gone", (last - t0) / 1e6, "docker_stop_pair", name, t0)
            if self.api:
                m = self.api.wait(mirror_gone(self.full(name)), msince, 60)
                self.record("remove_mirror_gone", (m["t"] - t0) / 1e6, "api_delete", name, t0)
                self.api_delete_baseline()

    def api_delete_baseline(self):
        name = self.base_name()
        self.api.request("POST", "/api/v1/namespaces/default/pods", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"automountServiceAccountToken": False, "containers": [{"name": "app", "image": BUSYBOX}]}})
        since = self.api.mark()
        t0 = time.time_ns()
        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{name}", {"gracePeriodSeconds": 0})
        m = self.api.wait(mirror_gone(name), since, 30)
        self.record_base("api_delete", (m["t"] - t0) / 1e6)

    def s_mirror_delete(self):
        if not self.api:
            return
        log("scenario mirror deleted (graceful, forced) -> new mirror Running")
        names = [f"mirror-{i}" for i in range(self.runs)]
        since = self.ev.mark()
        for n in names:
            self.drop(n)
        for n in names:
            self.wait_running(n, since)
            self.api.wait(mirror_running(self.full(n)), 0, 60)
        for kind, body in (("graceful", None), ("forced", {"gracePeriodSeconds": 0})):
            for n in names:
                full = self.full(n)
                old = self.api.last(full)["uid"]
                since = self.api.mark()
                t0 = time.time_ns()
                self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{full}", body)
                try:
                    m = self.api.wait(mirror_running(full, not_uid=old), since, 120)
                    self.record(f"mirror_delete_{kind}", (m["t"] - t0) / 1e6, "api_create_and_status", n, t0)
                except TimeoutError:
                    log(f"  mirror_delete_{kind}: no new Running mirror within 120 s")
                    self.record(f"mirror_delete_{kind}", 120000, "api_create_and_status")
        self.remove_and_wait(names)

    def s_scale(self):
        for count in self.scale:
            log(f"scenario scale {count}")
            for r in range(max(1, min(self.runs, 3 if count <= 50 else 1))):
                self.scale_once(count, r)

    def scale_once(self, count, r):
        # baseline: the same number of sandbox + app `docker run` chains, 8 chains in parallel
        since = self.ev.mark()
        t0 = time.time_ns()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pairs = list(pool.map(lambda _: self.base_pair(), range(count)))
        apps = {a for _, a in pairs}
        evs = self.ev.wait(lambda e: e["action"] == "start" and e["id"] in apps, since, 300, count=count)
        self.record_base(f"docker_run_{count}_pairs_p8", (max(e["t"] for e in evs) - t0) / 1e6)
        since = self.ev.mark()
        t0 = time.time_ns()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda p: (sh(["docker", "stop", "-t", "5", p[1]]), sh(["docker", "stop", "-t", "5", p[0]])),
                          pairs))
        ids = {x for p in pairs for x in p}
        evs = self.ev.wait(lambda e: e["action"] == "die" and e["id"] in ids, since, 300, count=len(ids))
        self.record_base(f"docker_stop_{count}_pairs_p8", (max(e["t"] for e in evs) - t0) / 1e6)
        self.rm(*ids)

        names = [f"s{count}r{r}-{i}" for i in range(count)]
        staged = [self.stage(n) for n in names]
        since, msince = self.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        fulls = {self.full(n) for n in names}
        evs = self.ev.wait(lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.container.name") == "app"
                                      and e["attrs"].get("io.kubernetes.pod.name") in fulls), since, 600, count=count)
        last_c = max(e["t"] for e in evs)
        self.record(f"scale{count}_running", (last_c - t0) / 1e6, f"docker_run_{count}_pairs_p8")
        if self.api:
            last_m = 0
            for f in fulls:
                try:
                    last_m = max(last_m, self.api.wait(mirror_running(f), msince, 300)["t"])
                except TimeoutError:
                    last_m = time.time_ns()
                    log(f"  mirror {f} not Running")
            self.record(f"scale{count}_mirrors_running", (last_m - t0) / 1e6, f"docker_run_{count}_pairs_p8")
            self.record(f"scale{count}_mirrors_after_last_container", (last_m - last_c) / 1e6)
        time.sleep(2)
        # all removed, and 10 new right after
        ids = set()
        for f in fulls:
            ids |= self.container_ids(f)
        new = [f"s{count}r{r}-new-{i}" for i in range(10)]
        staged = [self.stage(n) for n in new]
        since, msince = self.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for n in names:
            os.unlink(self.path(n))
        t1 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        evs = self.ev.wait(lambda e: e["action"] == "die" and e["id"] in ids, since, 600, count=len(ids))
        self.record(f"scale{count}_removed_gone", (max(e["t"] for e in evs) - t0) / 1e6, f"docker_stop_{count}_pairs_p8")
        newfull = {self.full(n) for n in new}
        evs = self.ev.wait(lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.container.name") == "app"
                                      and e["attrs"].get("io.kubernetes.pod.name") in newfull), since, 600, count=10)
        self.record(f"scale{count}_then10_running", (max(e["t"] for e in evs) - t1) / 1e6, "docker_run_10_pairs_p8")
        if self.api:
            last_m = 0
            for f in fulls:
                try:
                    last_m = max(last_m, self.api.wait(mirror_gone(f), msince, 300)["t"])
                except TimeoutError:
                    last_m = time.time_ns()
                    log(f"  mirror {f} not deleted")
            self.record(f"scale{count}_mirrors_gone", (last_m - t0) / 1e6, f"docker_stop_{count}_pairs_p8")
        # the baseline for the 10: 10 chains, 8 in parallel
        since = self.ev.mark()
        tb = time.time_ns()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pairs = list(pool.map(lambda _: self.base_pair(), range(10)))
        apps = {a for _, a in pairs}
        evs = self.ev.wait(lambda e: e["action"] == "start" and e["id"] in apps, since, 300, count=10)
        self.record_base("docker_run_10_pairs_p8", (max(e["t"] for e in evs) - tb) / 1e6)
        self.rm(*{x for p in pairs for x in p})
        self.remove_and_wait(new)

    def s_footprint(self):
        log("scenario footprint (fresh agent): JVM start -> first pod running; idle RSS and CPU")
        self.agent.stop()
        for i in range(self.runs):
            ms, ids = self.timed_start(self.base_pair)
            self.record_base("docker_run_sandbox_app_fp", ms)
            self.rm(*ids)
            name = f"jvm-{i}"
            tmp, dst = self.stage(name)
            os.rename(tmp, dst)
            since = self.ev.mark()
            t0 = self.agent.start()
            e = self.wait_running(name, since)
            self.record("jvm_start_first_pod", (e["t"] - t0) / 1e6, "docker_run_sandbox_app_fp", name, t0)
            if i < self.runs - 1:
                self.agent.stop()
                os.unlink(dst)
                self.rm(*self.container_ids(self.full(name), running=False))
        self.remove_and_wait([f"jvm-{self.runs - 1}"])
        for count in (0, 10, 50):
            names = [f"idle{count}-{i}" for i in range(count)]
            since = self.ev.mark()
            for n in names:
                self.drop(n)
            for n in names:
                self.wait_running(n, since, 300)
            time.sleep(5)
            rss0, cpu0 = self.agent.rss_cpu()
            ch0 = self.agent.children_cpu
            w0 = time.monotonic()
            time.sleep(self.idle)
            rss1, cpu1 = self.agent.rss_cpu()
            ch1 = self.agent.children_cpu
            wall = time.monotonic() - w0
            self.results[f"idle{count}_rss_mib"] = {"values": [round(rss1, 1)], "baseline": None, "unit": "MiB"}
            self.results[f"idle{count}_cpu_pct"] = {"values": [round(100 * (cpu1 - cpu0) / wall, 2)],
                                                   "baseline": None, "unit": "%"}
            self.results[f"idle{count}_cpu_pct"]["cpu_seconds"] = round(cpu1 - cpu0, 2)
            self.results[f"idle{count}_cpu_pct"]["wall_seconds"] = round(wall, 1)
            self.results[f"idle{count}_cpu_children_pct"] = {"values": [round(100 * (ch1 - ch0) / wall, 2)],
                                                            "baseline": None, "unit": "%"}
            log(f"  {count} pods: RSS {rss0:.0f} -> {rss1:.0f} MiB, CPU {cpu1 - cpu0:.2f} s over {wall:.0f} s")
            if names:
                self.remove_and_wait(names, 300)

    # ------------------------------------------------------------ main
    def warm_up(self):
        """One pod dropped, run and removed before anything is measured: the agent is watching, its code is warm."""
        since = self.ev.mark()
        self.drop("warmup")
        self.wait_running("warmup", since, 180)
        if self.api:
            self.api.wait(mirror_running(self.full("warmup")), 0, 120)
        self.remove_and_wait(["warmup"])
        time.sleep(1)

    def run(self):
        self.loads.append(loadavg())
        self.agent.start()
        try:
            self.warm_up()
            for name, fn in (("drop", self.s_drop), ("crash", self.s_crash), ("edit", self.s_edit),
                             ("remove", self.s_remove), ("mirror", self.s_mirror_delete), ("scale", self.s_scale),
                             ("footprint", self.s_footprint)):
                if self.want(name):
                    fn()
                    self.loads.append(loadavg())
        finally:
            self.agent.stop()
            self.dump()
            if self.api:
                self.api.stopped = True
            self.ev.close()
        return self.report()

    def dump(self):
        """scratch/trace.jsonl: the measured marks, the docker events of our pods and the mirror watch events,
        for bench/breakdown (which merges them with the agent's log)."""
        with open(os.path.join(self.scratch, "trace.jsonl"), "w") as f:
            for m in self.marks:
                f.write(json.dumps({"kind": "mark", **m}) + "\n")
            for e in list(self.ev.items):
                pod = e["attrs"].get("io.kubernetes.pod.name")
                if pod:
                    f.write(json.dumps({"kind": "docker", "t": e["t"], "action": e["action"], "pod": pod,
                                        "container": e["attrs"].get("io.kubernetes.container.name"),
                                        "id": e["id"][:12]}) + "\n")
            if self.api:
                for e in list(self.api.items):
                    f.write(json.dumps({"kind": "watch", "pod": e["name"], **e}) + "\n")

    def report(self):
        base = {k: v for k, v in self.baselines.items()}
        ds = statistics_median(base.get("docker_start", []))
        if ds is not None:
            base["docker_start+10s"] = [ds + 10000]
            base["docker_start+20s"] = [ds + 20000]
        out = {}
        for name, r in self.results.items():
            v = r["values"]
            e = {"n": len(v), "median": statistics_median(v), "p90": pct(v, 90), "max": max(v),
                 "unit": r.get("unit", "ms"), "values": v}
            for k in ("cpu_seconds", "wall_seconds"):
                if k in r:
                    e[k] = r[k]
            b = r.get("baseline")
            if b and base.get(b):
                bv = base[b]
                e["baseline"] = {"name": b, "median": statistics_median(bv), "p90": pct(bv, 90), "max": max(bv),
                                 "values": bv}
                e["ratio"] = round(e["median"] / e["baseline"]["median"], 2) if e["baseline"]["median"] else None
            if name in KUBELET:
                e["kubelet_v1_20_median"] = KUBELET[name]
            out[name] = e
        rows = [("scenario", "n", "median", "p90", "max", "baseline (same run)", "base median", "ratio",
                 "kubelet", "target")]
        for name, e in out.items():
            u = e["unit"]
            rows.append((name, str(e["n"]), f"{e['median']:.0f} {u}" if u == "ms" else f"{e['median']} {u}",
                         f"{e['p90']:.0f}" if u == "ms" else str(e["p90"]),
                         f"{e['max']:.0f}" if u == "ms" else str(e["max"]),
                         e.get("baseline", {}).get("name", "-"),
                         f"{e['baseline']['median']:.0f}" if "baseline" in e else "-",
                         f"{e['ratio']:.2f}" if e.get("ratio") is not None else "-",
                         str(e.get("kubelet_v1_20_median", "-")), TARGET.get(name, "")))
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        table = "\n".join("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in
                          rows[:1] + [tuple("-" * w for w in widths)] + rows[1:])
        summary = {"bench": "static-pod-agent", "node": self.node, "runs": self.runs,
                   "java_opts": " ".join(self.java_opts),
                   "apiserver": bool(self.api), "loadavg": self.loads,
                   "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "scenarios": out}
        return table, summary


def statistics_median(v):
    if not v:
        return None
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else round((s[n // 2 - 1] + s[n // 2]) / 2, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--node", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--jar", required=True)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--only", default="")
    p.add_argument("--scale", default="50")
    p.add_argument("--idle", type=float, default=60)
    p.add_argument("--java-opts", default="")
    p.add_argument("--agent-args", default="")
    p.add_argument("--admin-kubeconfig", default="")
    p.add_argument("--node-kubeconfig", default="")
    p.add_argument("--json-out", default="")
    a = p.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    b = Bench(a)
    table, summary = b.run()
    print(table)
    print(json.dumps(summary, separators=(",", ":")))
    if a.json_out:
        with open(a.json_out, "w") as f:
            f.write(table + "\n" + json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
