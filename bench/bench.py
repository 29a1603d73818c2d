#!/usr/bin/env python3
"""static-pod-agent benchmark driver (started by bench/run; standard library only).

Subjects, each with its own node name and manifest directory, all running for the whole run: the agent on each
runtime of --runtimes (the Docker engine for docker and docker-cli, containerd's CRI plugin for cri and containerd),
and the real kubelet v1.20.2 (dockershim, on the Docker engine). Each scenario is measured for every subject in turn
(trials interleaved where the scenario allows), with the raw baseline of the subject's runtime measured next to each
trial; the table and the JSON give ratios of medians against that baseline and against the kubelet, all from this
run. The scenarios are the same code on every runtime: a runtime (rt_docker.DockerEngine, rt_cri.CriEngine) gives
its event stream, its baselines and the few things done to it directly (a kill, a count).

Timing sources:
  * containers: the runtime's events with its own time stamps (`docker events`; `ctr events` on containerd);
  * mirror pods: one HTTP watch of the API server's pods (admin certificate), stamped when a line is received;
  * t0 of a file action: time.time_ns() right before the rename/unlink; engine and harness share the host clock.
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

import report
from observe import Api, UnixConnection, is_start, log, mirror_gone, mirror_running, sh
from load import LoadScenarios
from rt_cri import CriEngine
from rt_docker import DockerEngine
from subjects import Agent, Kubelet, PAUSE

BUSYBOX = os.environ.get("SPA_BUSYBOX_IMAGE", "static-pod-agent.local/busybox:1.35")
APP_CMD = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
GROUPS = ("drop", "crash", "edit", "remove", "mirror", "scale", "footprint")
DOCKER_RUNTIMES = ("docker", "docker-cli")  # the agent's runtimes on the Docker engine
CRI_RUNTIMES = ("cri", "containerd")        # ... and on containerd's CRI plugin (--cri-socket)


class Bench(LoadScenarios):
    def __init__(self, a):
        self.here = os.path.dirname(os.path.abspath(__file__))
        self.run_id, self.scratch, self.jar = a.node, a.scratch, a.jar
        self.agent_version = a.agent_version
        self.runs = a.runs
        self.only = set(a.only.split(",")) if a.only else set(GROUPS)
        self.kubelet_only = set(a.kubelet_only.split(",")) if a.kubelet_only else self.only
        self.scale = [int(x) for x in a.scale.split(",") if x]
        self.scale_runs = a.scale_runs or max(1, min(self.runs, 3))
        self.idle = a.idle
        self.idle_pods = [int(x) for x in a.idle_pods.split(",") if x]
        self.crashes = a.crashes
        self.launcher = a.launcher or None
        self.java_opts = a.java_opts.split() if a.java_opts else []
        self.agent_args = a.agent_args.split() if a.agent_args else []
        self.api = Api(a.admin_kubeconfig, self.scratch) if a.admin_kubeconfig else None
        self.results = {}    # scenario -> subject -> {"values": [...], "baseline": name, "unit": ...}
        self.baselines = {}  # name -> [ms, ...] pooled over the run
        self.marks = []
        self.loads = []
        self.seq = 0  # names of the raw API baselines' pods
        runtimes = [r for r in a.runtimes.split(",") if r]
        self.engines = {}
        if a.kubelet or set(runtimes) & set(DOCKER_RUNTIMES):
            self.engines["docker"] = DockerEngine(self.run_id, BUSYBOX, PAUSE, APP_CMD)
        if set(runtimes) & set(CRI_RUNTIMES):
            self.engines["cri"] = CriEngine(os.path.dirname(self.here), self.jar, self.scratch, a.cri_socket,
                                            self.run_id)
        self.subjects = [Agent(self, r, self.engines["cri" if r in CRI_RUNTIMES else "docker"]) for r in runtimes]
        self.kubelet = Kubelet(self, a.kubelet, self.engines["docker"]) if a.kubelet else None
        if self.kubelet:
            self.subjects.append(self.kubelet)
        self.node_kubeconfigs = {}
        if self.api:
            for s in self.subjects:
                self.node_kubeconfigs[s.node] = sh([os.path.join(self.here, "..", "scripts", "test-apiserver"),
                                                    "node", a.apiserver_dir, s.node])
        self.group = "start"
        self.stopped = threading.Event()
        threading.Thread(target=self._sample_load, daemon=True).start()
        time.sleep(0.5)  # let the event streams subscribe

    # ------------------------------------------------------------ helpers
    def _sample_load(self):
        while not self.stopped.is_set():
            with open("/proc/loadavg") as f:
                self.loads.append((self.group, float(f.read().split()[0])))
            self.stopped.wait(5)

    def takes_part(self, s, group):
        if group == "mirror" and s.rt.name != "docker":
            return False  # mirror pods do not depend on the runtime: measured on Docker only
        return s is not self.kubelet or group in self.kubelet_only

    def record(self, s, name, value, baseline=None, pod=None, t0=None, unit="ms", **extra):
        r = self.results.setdefault(name, {}).setdefault(s.name, {"values": [], "baseline": baseline, "unit": unit})
        r["values"].append(round(value, 2))
        for k, v in extra.items():
            r.setdefault(k, []).append(v)
        if pod and t0:
            self.marks.append({"scenario": name, "subject": s.name, "log": os.path.basename(s.log),
                               "pod": s.full(pod), "t0": t0, "ms": round(value, 1)})
        log(f"  {s.name} {name}: {value:.0f} {unit}")

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

    def path(self, s, name):
        return os.path.join(s.manifests, name + ".json")

    def stage(self, s, name, **kw):
        """Writes the manifest under a dotfile name (ignored by both daemons); returns the rename to do."""
        tmp = os.path.join(s.manifests, f".{name}.json.tmp")
        with open(tmp, "w") as f:
            json.dump(self.pod(name, **kw), f)
        return tmp, self.path(s, name)

    def drop(self, s, name, **kw):
        tmp, dst = self.stage(s, name, **kw)
        t0 = time.time_ns()
        os.rename(tmp, dst)
        return t0

    def wait_running(self, s, name, since, timeout=60):
        return s.rt.ev.wait(is_start(s.full(name)), since, timeout, alive=s.check)[0]

    def remove_and_wait(self, s, names, timeout=120):
        since, msince = s.rt.ev.mark(), self.api.mark() if self.api else 0
        for n in names:
            os.unlink(self.path(s, n))
        try:
            self.wait_gone(s, names, since, timeout)
        except TimeoutError:  # a figure of its own where it matters; here a clean-up that goes on
            log(f"  {s.name}: pods still running {timeout} s after their manifests were removed (left to the "
                f"final clean-up)")
        if self.api:
            _, missing = self.api.wait_all(lambda n: mirror_gone(s.full(n)), names, msince, timeout, alive=s.check)
            if missing:
                log(f"  {s.name}: {len(missing)} mirrors still there after {timeout} s")

    def wait_gone(self, s, names, since, timeout=120):
        """Every container of these pods has died (sandbox and app); the time of the last die."""
        deadline = time.monotonic() + timeout
        last = 0
        for n in names:
            ids = s.rt.container_ids(s.full(n))
            if ids:
                evs = s.rt.ev.wait(lambda e, ids=ids: e["action"] == "die" and e["id"] in ids, since,
                                   max(1, deadline - time.monotonic()), count=len(ids), alive=s.check)
                last = max(last, max(e["t"] for e in evs))
        return last

    # ------------------------------------------------------------ baselines (the raw runtime, raw API calls)
    def timed_start(self, rt, fn):
        """ms from before `fn` to the runtime's start event of the app of the pair fn returns (or of the id)."""
        since = rt.ev.mark()
        t0 = time.time_ns()
        got = fn()
        last = got[-1] if isinstance(got, tuple) else got
        e = rt.ev.wait(lambda e: e["action"] == "start" and e["id"] == last, since, 60)[0]
        return (e["t"] - t0) / 1e6, got

    def base_name(self):
        self.seq += 1
        return f"{self.run_id}-{self.seq}"

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
        m = self.api.wait(mirror_running(name), since, 30)[0]
        self.record_base("api_create_and_status", (m["t"] - t0) / 1e6)
        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{name}", {"gracePeriodSeconds": 0})

    def api_delete_baseline(self):
        name = self.base_name()
        self.api.request("POST", "/api/v1/namespaces/default/pods", {
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"automountServiceAccountToken": False, "containers": [{"name": "app", "image": BUSYBOX}]}})
        since = self.api.mark()
        t0 = time.time_ns()
        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{name}", {"gracePeriodSeconds": 0})
        m = self.api.wait(mirror_gone(name), since, 30)[0]
        self.record_base("api_delete", (m["t"] - t0) / 1e6)

    # ------------------------------------------------------------ scenarios
    def s_drop(self, subs):
        log("scenario drop -> running (and mirror Running)")
        for i in range(self.runs):
            for s in subs:
                rt = s.rt
                ms, pair = self.timed_start(rt, rt.pair)
                self.record_base(rt.base("pair"), ms)
                rt.rm(pair)
                ms, pair = self.timed_start(rt, rt.hostnet)
                self.record_base(rt.base("hostnet"), ms)
                rt.rm(pair)

                name = f"drop-{i}"
                since, msince = rt.ev.mark(), self.api.mark() if self.api else 0
                t0 = self.drop(s, name)
                e = self.wait_running(s, name, since)
                self.record(s, "drop_running", (e["t"] - t0) / 1e6, rt.base("pair"), name, t0)
                if self.api:
                    m = self.api.wait(mirror_running(s.full(name)), msince, 60, alive=s.check)[0]
                    self.record(s, "drop_mirror_running", (m["t"] - t0) / 1e6, "api_create_and_status", name, t0)
                    self.record(s, "drop_mirror_after_container", (m["t"] - e["t"]) / 1e6, "api_create_and_status")
                    self.api_baseline()

                name = f"hostnet-{i}"
                since = rt.ev.mark()
                t0 = self.drop(s, name, host_network=True)
                e = self.wait_running(s, name, since)
                self.record(s, "drop_hostnet_running", (e["t"] - t0) / 1e6, rt.base("hostnet"), name, t0)
                time.sleep(0.3)
        for s in subs:
            self.remove_and_wait(s, [f"drop-{i}" for i in range(self.runs)] + [f"hostnet-{i}" for i in range(self.runs)])

    def s_crash(self, subs):
        log(f"scenario crash -> restarted ({', '.join(['1st', '2nd', '3rd'][:self.crashes])})")
        for s in subs:
            rt = s.rt
            for i in range(self.runs):
                pair = rt.pair()
                since = rt.ev.mark()
                rt.kill(pair[1])
                rt.ev.wait(lambda e: e["action"] == "die" and e["id"] == pair[1], since, 30)
                ms, _ = self.timed_start(rt, lambda: rt.restart(pair))
                self.record_base(rt.base("restart"), ms)
                rt.rm(pair)
            names = [f"crash-{i}" for i in range(self.runs)]
            since = rt.ev.mark()
            for n in names:
                self.drop(s, n)
            current = {n: self.wait_running(s, n, since)["id"] for n in names}
            time.sleep(1)
            for k in range(1, self.crashes + 1):
                marks = {}
                for n in names:  # 1st crash one pod at a time; later ones back to back (they wait 10 s / 20 s)
                    marks[n] = rt.ev.mark()
                    rt.kill(current[n])
                    if k == 1:
                        self.crash_wait(s, n, k, current, marks[n])
                if k > 1:
                    for n in names:
                        self.crash_wait(s, n, k, current, marks[n])
                time.sleep(1)
            self.remove_and_wait(s, names)

    def crash_wait(self, s, n, k, current, since):
        old, ev = current[n], s.rt.ev
        die = ev.wait(lambda e: e["action"] == "die" and e["id"] == old, since, 30)[0]
        st = ev.wait(lambda e: is_start(s.full(n))(e) and e["id"] != old, since, 90, alive=s.check)[0]
        current[n] = st["id"]
        base = s.rt.base("restart") + {1: "", 2: "+10s", 3: "+20s"}[k]
        self.record(s, f"crash{k}_restarted", (st["t"] - die["t"]) / 1e6, base, n, die["t"])

    def s_edit(self, subs):
        log("scenario edit -> replaced")
        for i in range(self.runs):
            for s in subs:
                rt = s.rt
                pair = rt.pair()
                since = rt.ev.mark()
                t0 = time.time_ns()
                rt.stop(pair)
                pair2 = rt.pair()
                e = rt.ev.wait(lambda e: e["action"] == "start" and e["id"] == pair2[1], since, 60)[0]
                self.record_base(rt.base("edit"), (e["t"] - t0) / 1e6)
                rt.rm(pair, pair2)

                name = f"edit-{i}"
                since = rt.ev.mark()
                self.drop(s, name)
                old = self.wait_running(s, name, since)["id"]
                time.sleep(0.5)
                since = rt.ev.mark()
                t0 = self.drop(s, name, gen="2")
                e = rt.ev.wait(lambda e: is_start(s.full(name))(e) and e["id"] != old, since, 60, alive=s.check)[0]
                self.record(s, "edit_replaced", (e["t"] - t0) / 1e6, rt.base("edit"), name, t0)
        for s in subs:
            self.remove_and_wait(s, [f"edit-{i}" for i in range(self.runs)])

    def s_remove(self, subs):
        log("scenario remove -> gone")
        for i in range(self.runs):
            for s in subs:
                rt = s.rt
                pair = rt.pair()
                since = rt.ev.mark()
                t0 = time.time_ns()
                last = rt.stop(pair)
                e = rt.ev.wait(lambda e: e["action"] == "die" and e["id"] == last, since, 60)[0]
                self.record_base(rt.base("stop"), (e["t"] - t0) / 1e6)
                rt.rm(pair)

                name = f"rm-{i}"
                since = rt.ev.mark()
                self.drop(s, name)
                self.wait_running(s, name, since)
                if self.api:
                    self.api.wait(mirror_running(s.full(name)), 0, 60, alive=s.check)
                time.sleep(0.5)
                since, msince = rt.ev.mark(), self.api.mark() if self.api else 0
                t0 = time.time_ns()
                os.unlink(self.path(s, name))
                last = self.wait_gone(s, [name], since)
                self.record(s, "remove_containers_gone", (last - t0) / 1e6, rt.base("stop"), name, t0)
                if self.api:
                    m = self.api.wait(mirror_gone(s.full(name)), msince, 60, alive=s.check)[0]
                    self.record(s, "remove_mirror_gone", (m["t"] - t0) / 1e6, "api_delete", name, t0)
                    self.api_delete_baseline()

    def s_mirror(self, subs):
        if not self.api:
            return
        log("scenario mirror deleted (graceful, forced) -> new mirror Running")
        for s in subs:
            names = [f"mirror-{i}" for i in range(self.runs)]
            since = s.rt.ev.mark()
            for n in names:
                self.drop(s, n)
            for n in names:
                self.wait_running(s, n, since)
                self.api.wait(mirror_running(s.full(n)), 0, 60, alive=s.check)
            for kind, body in (("graceful", None), ("forced", {"gracePeriodSeconds": 0})):
                # all mirrors deleted at once, then each waited for: the kubelet takes a minute or more for a
                # forced delete (its periodic resync), which one at a time would multiply by the runs
                since, t0s = self.api.mark(), {}
                for n in names:
                    full = s.full(n)
                    old = self.api.last(full)["uid"]
                    t0s[n] = (time.time_ns(), old)
                    self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{full}", body)
                deadline = time.monotonic() + 180
                for n in names:
                    t0, old = t0s[n]
                    try:
                        m = self.api.wait(mirror_running(s.full(n), not_uid=old), since,
                                          max(0.1, deadline - time.monotonic()), alive=s.check)[0]
                        self.record(s, f"mirror_delete_{kind}", (m["t"] - t0) / 1e6, "api_create_and_status", n, t0)
                    except TimeoutError:
                        log(f"  {s.name} mirror_delete_{kind}: no new Running mirror within 180 s")
                        self.record(s, f"mirror_delete_{kind}", (time.time_ns() - t0) / 1e6,
                                    "api_create_and_status", timed_out=True)
            self.remove_and_wait(s, names)

    # ------------------------------------------------------------ main
    def warm_up(self, s):
        """One pod dropped, run and removed before anything is measured: the daemon is watching, its code warm."""
        since = s.rt.ev.mark()
        self.drop(s, "warmup")
        self.wait_running(s, "warmup", since, 180)
        if self.api:
            self.api.wait(mirror_running(s.full("warmup")), 0, 120, alive=s.check)
        self.remove_and_wait(s, ["warmup"])

    def class_data_archive(self, s):
        """An agent through the launcher as on a node after its first restart: its first start recorded the classes
        it loads, a restart builds its class-data archive from them (in the background) and the next starts, those of
        the footprint scenario, map it. Waits up to 3 minutes for the archive; without one the run goes on."""
        if not getattr(s, "class_data_dir", None) or not s.class_data_dir():
            return
        s.stop()
        s.start()
        t0 = time.monotonic()
        cds = s.class_data_dir()
        while time.monotonic() - t0 < 180:
            names = os.listdir(cds) if os.path.isdir(cds) else []
            if any(n.startswith("agent-") and n.count(".") == 1 and n.endswith(".jsa") for n in names):
                log(f"  {s.name}: class-data archive built {time.monotonic() - t0:.1f} s after its restart")
                break
            s.check()
            time.sleep(0.5)
        else:
            log(f"  {s.name}: no class-data archive after 3 minutes (see {cds})")
        self.warm_up(s)

    def run(self):
        try:
            for s in self.subjects:
                log(f"starting {s.name} (node {s.node})")
                s.start()
            if self.kubelet:
                self.proxy_overhead()
            for s in self.subjects:
                self.warm_up(s)
            for s in self.subjects:
                self.class_data_archive(s)
            time.sleep(1)
            for g in GROUPS:
                subs = [s for s in self.subjects if self.takes_part(s, g)]
                if g in self.only and subs:
                    self.group = g
                    getattr(self, "s_" + g)(subs)
        finally:
            self.stopped.set()
            for s in self.subjects:
                s.stop()
                s.cgroup.remove()
            if self.kubelet:
                self.kubelet.cleanup()
            self.dump()
            if self.api:
                self.api.stopped = True
            for rt in self.engines.values():
                rt.close()
        return self.report()

    def proxy_overhead(self):
        """Added latency of the kubelet's Docker API proxy: GET /_ping on one kept-alive connection, each way."""
        out = {}
        for key, sock in (("direct", "/var/run/docker.sock"), ("proxied", self.kubelet.docker_sock)):
            c, times = UnixConnection(sock), []
            for _ in range(30):
                t0 = time.perf_counter()
                c.request("GET", "/_ping")
                c.getresponse().read()
                times.append((time.perf_counter() - t0) * 1000)
            c.close()
            out[key] = round(report.median(times), 2)
        self.proxy_ping_ms = out
        log(f"  docker API proxy: GET /_ping {out['direct']} ms direct, {out['proxied']} ms through the proxy")

    def dump(self):
        """scratch/trace.jsonl: the measured marks, the runtime events of our pods (kind docker or cri) and the
        mirror watch events, for bench/breakdown (which merges them with the daemons' logs)."""
        nodes = tuple("-" + s.node for s in self.subjects)
        with open(os.path.join(self.scratch, "trace.jsonl"), "w") as f:
            for m in self.marks:
                f.write(json.dumps({"kind": "mark", **m}) + "\n")
            for rt in self.engines.values():
                for e in list(rt.ev.items):
                    pod = e["attrs"].get("io.kubernetes.pod.name")
                    if pod and pod.endswith(nodes):
                        f.write(json.dumps({"kind": rt.name, "t": e["t"], "action": e["action"], "pod": pod,
                                            "container": e["attrs"].get("io.kubernetes.container.name"),
                                            "id": e["id"][:12]}) + "\n")
            if self.api:
                for e in list(self.api.items):
                    f.write(json.dumps({"kind": "watch", "pod": e["name"], **e}) + "\n")

    def report(self):
        loads = {}
        for g, v in self.loads:
            lo, hi = loads.get(g, (v, v))
            loads[g] = (min(lo, v), max(hi, v))
        extra = {"bench": "static-pod-agent", "run_id": self.run_id, "runs": self.runs, "scale_runs": self.scale_runs,
                 "idle_seconds": self.idle, "apiserver": bool(self.api), "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                 "loadavg1_min_max": {g: list(v) for g, v in loads.items()}, "crashes": self.crashes,
                 "runtimes": {name: rt.describe() for name, rt in self.engines.items()}}
        if self.kubelet:
            extra["docker_api_proxy"] = {"ping_ms": getattr(self, "proxy_ping_ms", None),
                                         "log": os.path.basename(self.kubelet.proxy_log)}
        subjects = {s.name: s.describe() for s in self.subjects}
        for s in self.subjects:  # the engine refusing to start a container (seen under heavy load): counted
            with open(s.log, errors="replace") as f:
                subjects[s.name]["oci_start_failures_in_log"] = sum(1 for line in f if "OCI runtime create failed" in line)
        return report.summarize(self.results, self.baselines, subjects,
                                self.kubelet.name if self.kubelet else None, extra)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--node", required=True, help="the run's id; subjects' node names are <id>-<runtime|kubelet>")
    p.add_argument("--scratch", required=True)
    p.add_argument("--jar", required=True)
    p.add_argument("--agent-version", default="")
    p.add_argument("--runtimes", default="docker")
    p.add_argument("--kubelet", default="", help="the kubelet binary; none: no kubelet in this run")
    p.add_argument("--kubelet-only", default="")
    p.add_argument("--launcher", default="")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--only", default="")
    p.add_argument("--scale", default="50")
    p.add_argument("--scale-runs", type=int, default=0)
    p.add_argument("--idle", type=float, default=60)
    p.add_argument("--idle-pods", default="0,10,50")
    p.add_argument("--crashes", type=int, default=3, choices=(1, 2, 3),
                   help="crashes per pod in the crash scenario: 1 (only the first restart), 2, 3 (the back-offs)")
    p.add_argument("--cri-socket", default="", help="containerd's socket, for the agent on cri or containerd")
    p.add_argument("--java-opts", default="")
    p.add_argument("--agent-args", default="")
    p.add_argument("--admin-kubeconfig", default="")
    p.add_argument("--apiserver-dir", default="")
    p.add_argument("--json-out", default="")
    a = p.parse_args()
    bad = [r for r in a.runtimes.split(",") if r and r not in DOCKER_RUNTIMES + CRI_RUNTIMES]
    if bad:
        p.error(f"--runtimes {','.join(bad)}: the benchmark measures the agent on "
                f"{', '.join(DOCKER_RUNTIMES + CRI_RUNTIMES)} (the Docker engine, or containerd's CRI plugin)")
    if set(a.runtimes.split(",")) & set(CRI_RUNTIMES) and not a.cri_socket:
        p.error("--runtimes cri or containerd needs --cri-socket (bench/run gives the tests' containerd)")
    unknown = {g for g in (a.only + "," + a.kubelet_only).split(",") if g} - set(GROUPS)
    if unknown:
        p.error(f"unknown scenario group(s) {', '.join(sorted(unknown))}; groups: {','.join(GROUPS)}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    b = Bench(a)
    try:
        table, targets, summary = b.run()
    except (RuntimeError, TimeoutError) as e:  # a daemon that died or never did what was measured: its own words
        log(f"benchmark failed: {e}")
        sys.exit(1)
    print(table)
    print()
    print(targets)
    print(json.dumps(summary, separators=(",", ":")))
    if a.json_out:
        with open(a.json_out, "w") as f:
            f.write(table + "\n\n" + targets + "\n" + json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
