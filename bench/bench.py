#!/usr/bin/env python3
"""static-pod-agent benchmark driver (started by bench/run; standard library only).

Subjects, all on the one Docker engine, each with its own node name and manifest directory, all running for the
whole run: the agent on each runtime of --runtimes, and the real kubelet v1.20.2 (dockershim). Each scenario is
measured for every subject in turn (trials interleaved where the scenario allows), with the raw runtime's baseline
measured next to each trial; the table and the JSON give ratios of medians against that baseline and against the
kubelet, all from this run.

Timing sources:
  * containers: `docker events` (the engine's own start/die time stamps);
  * mirror pods: one HTTP watch of the API server's pods (admin certificate), stamped when a line is received;
  * t0 of a file action: time.time_ns() right before the rename/unlink; engine and harness share the host clock.
"""
import argparse
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import threading
import time

import report
from observe import Api, Events, UnixConnection, is_start, log, mirror_gone, mirror_running
from subjects import Agent, Kubelet, PAUSE, tail

BUSYBOX = os.environ.get("SPA_BUSYBOX_IMAGE", "static-pod-agent.local/busybox:1.35")
APP_CMD = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
BENCH_LABEL = "io.staticpod.bench"
GROUPS = ("drop", "crash", "edit", "remove", "mirror", "scale", "footprint")
RUNTIMES = ("docker", "docker-cli")  # the agent's runtimes on the Docker engine, whose events time everything


def sh(argv, check=True, timeout=120):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout.strip()


class Bench:
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
        self.launcher = a.launcher or None
        self.java_opts = a.java_opts.split() if a.java_opts else []
        self.agent_args = a.agent_args.split() if a.agent_args else []
        self.api = Api(a.admin_kubeconfig, self.scratch) if a.admin_kubeconfig else None
        self.results = {}    # scenario -> subject -> {"values": [...], "baseline": name, "unit": ...}
        self.baselines = {}  # name -> [ms, ...] pooled over the run
        self.marks = []
        self.loads = []
        self.seq = 0
        self.ev = Events()
        self.subjects = [Agent(self, r) for r in a.runtimes.split(",") if r]
        self.kubelet = Kubelet(self, a.kubelet) if a.kubelet else None
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
        time.sleep(0.5)  # let `docker events` subscribe

    # ------------------------------------------------------------ helpers
    def _sample_load(self):
        while not self.stopped.is_set():
            with open("/proc/loadavg") as f:
                self.loads.append((self.group, float(f.read().split()[0])))
            self.stopped.wait(5)

    def takes_part(self, s, group):
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
        return self.ev.wait(is_start(s.full(name)), since, timeout, alive=s.check)[0]

    def remove_and_wait(self, s, names, timeout=120):
        since, msince = self.ev.mark(), self.api.mark() if self.api else 0
        for n in names:
            os.unlink(self.path(s, n))
        self.wait_gone(s, names, since, timeout)
        if self.api:
            _, missing = self.api.wait_all(lambda n: mirror_gone(s.full(n)), names, msince, timeout, alive=s.check)
            if missing:
                log(f"  {s.name}: {len(missing)} mirrors still there after {timeout} s")

    def wait_gone(self, s, names, since, timeout=120):
        """Every container of these pods has died (sandbox and app); the time of the last die."""
        deadline = time.monotonic() + timeout
        last = 0
        for n in names:
            ids = self.container_ids(s.full(n))
            if ids:
                evs = self.ev.wait(lambda e, ids=ids: e["action"] == "die" and e["id"] in ids, since,
                                   max(1, deadline - time.monotonic()), count=len(ids), alive=s.check)
                last = max(last, max(e["t"] for e in evs))
        return last

    def container_ids(self, full, running=True):
        out = sh(["docker", "ps"] + ([] if running else ["-a"]) + ["-q", "--no-trunc", "--filter",
                                                                   f"label=io.kubernetes.pod.name={full}"])
        return set(out.split())

    # ------------------------------------------------------------ baselines (raw docker CLI)
    def base_name(self):
        self.seq += 1
        return f"{self.run_id}-{self.seq}"

    def base_pair(self):
        n = self.base_name()
        lbl = ["--label", f"{BENCH_LABEL}={self.run_id}"]
        sid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-pod", "--restart=no", "--ipc", "shareable"]
                 + lbl + [PAUSE])
        aid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-app", "--restart=no",
                  "--network", f"container:{sid}", "--ipc", f"container:{sid}"] + lbl
                 + ["-e", "GEN=1", "--entrypoint", "sh", BUSYBOX, "-c", APP_CMD[2]])
        return sid, aid

    def base_single(self):
        n = self.base_name()
        return sh(["docker", "run", "-d", "--pull=never", "--name", n + "-app", "--restart=no", "--network", "host",
                   "--label", f"{BENCH_LABEL}={self.run_id}", "--entrypoint", "sh", BUSYBOX, "-c", APP_CMD[2]])

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
                ms, ids = self.timed_start(self.base_pair)
                self.record_base("docker_run_sandbox_app", ms)
                self.rm(*ids)
                ms, cid = self.timed_start(self.base_single)
                self.record_base("docker_run_one", ms)
                self.rm(cid)

                name = f"drop-{i}"
                since, msince = self.ev.mark(), self.api.mark() if self.api else 0
                t0 = self.drop(s, name)
                e = self.wait_running(s, name, since)
                self.record(s, "drop_running", (e["t"] - t0) / 1e6, "docker_run_sandbox_app", name, t0)
                if self.api:
                    m = self.api.wait(mirror_running(s.full(name)), msince, 60, alive=s.check)[0]
                    self.record(s, "drop_mirror_running", (m["t"] - t0) / 1e6, "api_create_and_status", name, t0)
                    self.record(s, "drop_mirror_after_container", (m["t"] - e["t"]) / 1e6, "api_create_and_status")
                    self.api_baseline()

                name = f"hostnet-{i}"
                since = self.ev.mark()
                t0 = self.drop(s, name, host_network=True)
                e = self.wait_running(s, name, since)
                self.record(s, "drop_hostnet_running", (e["t"] - t0) / 1e6, "docker_run_one", name, t0)
                time.sleep(0.3)
        for s in subs:
            self.remove_and_wait(s, [f"drop-{i}" for i in range(self.runs)] + [f"hostnet-{i}" for i in range(self.runs)])

    def s_crash(self, subs):
        log("scenario crash -> restarted (1st, 2nd, 3rd)")
        for s in subs:
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
                self.drop(s, n)
            current = {n: self.wait_running(s, n, since)["id"] for n in names}
            time.sleep(1)
            for k in (1, 2, 3):
                marks = {}
                for n in names:  # 1st crash one pod at a time; later ones back to back (they wait 10 s / 20 s)
                    marks[n] = self.ev.mark()
                    sh(["docker", "kill", current[n]])
                    if k == 1:
                        self.crash_wait(s, n, k, current, marks[n])
                if k > 1:
                    for n in names:
                        self.crash_wait(s, n, k, current, marks[n])
                time.sleep(1)
            self.remove_and_wait(s, names)

    def crash_wait(self, s, n, k, current, since):
        old = current[n]
        die = self.ev.wait(lambda e: e["action"] == "die" and e["id"] == old, since, 30)[0]
        st = self.ev.wait(lambda e: is_start(s.full(n))(e) and e["id"] != old, since, 90, alive=s.check)[0]
        current[n] = st["id"]
        base = {1: "docker_start", 2: "docker_start+10s", 3: "docker_start+20s"}[k]
        self.record(s, f"crash{k}_restarted", (st["t"] - die["t"]) / 1e6, base, n, die["t"])

    def s_edit(self, subs):
        log("scenario edit -> replaced")
        for i in range(self.runs):
            for s in subs:
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
                self.drop(s, name)
                old = self.wait_running(s, name, since)["id"]
                time.sleep(0.5)
                since = self.ev.mark()
                t0 = self.drop(s, name, gen="2")
                e = self.ev.wait(lambda e: is_start(s.full(name))(e) and e["id"] != old, since, 60, alive=s.check)[0]
                self.record(s, "edit_replaced", (e["t"] - t0) / 1e6, "docker_stop_pair_run_pair", name, t0)
        for s in subs:
            self.remove_and_wait(s, [f"edit-{i}" for i in range(self.runs)])

    def s_remove(self, subs):
        log("scenario remove -> gone")
        for i in range(self.runs):
            for s in subs:
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
                self.drop(s, name)
                self.wait_running(s, name, since)
                if self.api:
                    self.api.wait(mirror_running(s.full(name)), 0, 60, alive=s.check)
                time.sleep(0.5)
                since, msince = self.ev.mark(), self.api.mark() if self.api else 0
                t0 = time.time_ns()
                os.unlink(self.path(s, name))
                last = self.wait_gone(s, [name], since)
                self.record(s, "remove_containers_gone", (last - t0) / 1e6, "docker_stop_pair", name, t0)
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
            since = self.ev.mark()
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

    def s_scale(self, subs):
        for count in self.scale:
            log(f"scenario scale {count}")
            for r in range(self.scale_runs if count <= 50 else 1):
                for s in subs:
                    self.scale_once(s, count, r)

    def parallel_pairs(self, count):
        since = self.ev.mark()
        t0 = time.time_ns()
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            pairs = list(pool.map(lambda _: self.base_pair(), range(count)))
        apps = {a for _, a in pairs}
        evs = self.ev.wait(lambda e: e["action"] == "start" and e["id"] in apps, since, 300, count=count)
        return pairs, (max(e["t"] for e in evs) - t0) / 1e6

    def wait_starts(self, s, fulls, since, timeout):
        """Time of the last app start of these pods; on a timeout, now (flagged)."""
        try:
            evs = self.ev.wait(lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.container.name")
                                          == "app" and e["attrs"].get("io.kubernetes.pod.name") in fulls),
                               since, timeout, count=len(fulls), alive=s.check)
            return max(e["t"] for e in evs), False
        except TimeoutError:
            log(f"  {s.name}: not all {len(fulls)} pods started within {timeout} s")
            return time.time_ns(), True

    def scale_once(self, s, count, r):
        # baseline: the same number of sandbox + app `docker run` chains, 8 chains in parallel
        pairs, ms = self.parallel_pairs(count)
        self.record_base(f"docker_run_{count}_pairs_p8", ms)
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
        staged = [self.stage(s, n) for n in names]
        since, msince = self.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        fulls = {s.full(n) for n in names}
        last_c, late = self.wait_starts(s, fulls, since, 600)
        self.record(s, f"scale{count}_running", (last_c - t0) / 1e6, f"docker_run_{count}_pairs_p8", timed_out=late)
        if self.api:
            last_m, missing = self.api.wait_all(mirror_running, fulls, msince, 300, alive=s.check)
            last_m = time.time_ns() if missing else last_m
            self.record(s, f"scale{count}_mirrors_running", (last_m - t0) / 1e6, f"docker_run_{count}_pairs_p8",
                        timed_out=bool(missing))
            self.record(s, f"scale{count}_mirrors_after_last_container", (last_m - last_c) / 1e6)
        time.sleep(2)
        # all removed, and 10 new right after
        ids = set()
        for f in fulls:
            ids |= self.container_ids(f)
        new = [f"s{count}r{r}-new-{i}" for i in range(10)]
        staged = [self.stage(s, n) for n in new]
        since, msince = self.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for n in names:
            os.unlink(self.path(s, n))
        t1 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        evs = self.ev.wait(lambda e: e["action"] == "die" and e["id"] in ids, since, 600, count=len(ids), alive=s.check)
        self.record(s, f"scale{count}_removed_gone", (max(e["t"] for e in evs) - t0) / 1e6,
                    f"docker_stop_{count}_pairs_p8")
        last_n, late = self.wait_starts(s, {s.full(n) for n in new}, since, 600)
        self.record(s, f"scale{count}_then10_running", (last_n - t1) / 1e6, "docker_run_10_pairs_p8", timed_out=late)
        if self.api:
            last_m, missing = self.api.wait_all(mirror_gone, fulls, msince, 300, alive=s.check)
            last_m = time.time_ns() if missing else last_m
            self.record(s, f"scale{count}_mirrors_gone", (last_m - t0) / 1e6, f"docker_stop_{count}_pairs_p8",
                        timed_out=bool(missing))
        # the baseline for the 10: 10 chains, 8 in parallel
        pairs, ms = self.parallel_pairs(10)
        self.record_base("docker_run_10_pairs_p8", ms)
        self.rm(*{x for p in pairs for x in p})
        self.remove_and_wait(s, new, 600)

    def s_footprint(self, subs):
        log("scenario footprint: daemon start -> first pod running; idle RSS and CPU (children included)")
        for s in subs:
            s.stop()
            for i in range(self.runs):
                ms, ids = self.timed_start(self.base_pair)
                self.record_base("docker_run_sandbox_app_fp", ms)
                self.rm(*ids)
                name = f"start-{i}"
                tmp, dst = self.stage(s, name)
                os.rename(tmp, dst)
                since = self.ev.mark()
                t0 = s.start()
                e = self.wait_running(s, name, since, 180)
                self.record(s, "start_first_pod", (e["t"] - t0) / 1e6, "docker_run_sandbox_app_fp", name, t0)
                if i < self.runs - 1:  # a fresh start each time: the pod removed behind the daemon's back
                    s.stop()
                    os.unlink(dst)
                    self.rm(*self.container_ids(s.full(name), running=False))
                    s.forget()
                    if self.api:
                        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{s.full(name)}",
                                         {"gracePeriodSeconds": 0})
            self.remove_and_wait(s, [f"start-{self.runs - 1}"])
        for count in self.idle_pods:
            for s in subs:
                self.idle_once(s, count)

    def idle_once(self, s, count):
        names = [f"idle{count}-{i}" for i in range(count)]
        since = self.ev.mark()
        for n in names:
            self.drop(s, n)
        for n in names:
            self.wait_running(s, n, since, 300)
        if self.api:
            self.api.wait_all(lambda n: mirror_running(s.full(n)), names, 0, 300, alive=s.check)
        time.sleep(5)
        a, pa = s.sample(), self.kubelet.proxy_cpu_s() if s is self.kubelet else 0
        w0 = time.monotonic()
        time.sleep(self.idle)
        s.check()
        b, pb = s.sample(), self.kubelet.proxy_cpu_s() if s is self.kubelet else 0
        wall = time.monotonic() - w0
        cpu, own = b["cpu_s"] - a["cpu_s"], b["own_cpu_s"] - a["own_cpu_s"]
        engine = len(sh(["docker", "ps", "-q"]).split())
        self.record(s, f"idle{count}_rss_mib", b["rss_mib"], unit="MiB", procs=b["procs"])
        extra = {"cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 1), "containers_on_engine": engine}
        if s is self.kubelet:
            extra["docker_api_proxy_pct"] = round(100 * (pb - pa) / wall, 2)
        self.record(s, f"idle{count}_cpu_pct", 100 * cpu / wall, unit="%", **extra)
        self.record(s, f"idle{count}_cpu_children_pct", 100 * max(0.0, cpu - own) / wall, unit="%")
        if names:
            self.remove_and_wait(s, names, 300)

    # ------------------------------------------------------------ main
    def warm_up(self, s):
        """One pod dropped, run and removed before anything is measured: the daemon is watching, its code warm."""
        since = self.ev.mark()
        self.drop(s, "warmup")
        self.wait_running(s, "warmup", since, 180)
        if self.api:
            self.api.wait(mirror_running(s.full("warmup")), 0, 120, alive=s.check)
        self.remove_and_wait(s, ["warmup"])

    def run(self):
        try:
            for s in self.subjects:
                log(f"starting {s.name} (node {s.node})")
                s.start()
            if self.kubelet:
                self.proxy_overhead()
            for s in self.subjects:
                self.warm_up(s)
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
            self.ev.close()
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
        """scratch/trace.jsonl: the measured marks, the docker events of our pods and the mirror watch events,
        for bench/breakdown (which merges them with the daemons' logs)."""
        nodes = tuple("-" + s.node for s in self.subjects)
        with open(os.path.join(self.scratch, "trace.jsonl"), "w") as f:
            for m in self.marks:
                f.write(json.dumps({"kind": "mark", **m}) + "\n")
            for e in list(self.ev.items):
                pod = e["attrs"].get("io.kubernetes.pod.name")
                if pod and pod.endswith(nodes):
                    f.write(json.dumps({"kind": "docker", "t": e["t"], "action": e["action"], "pod": pod,
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
                 "loadavg1_min_max": {g: list(v) for g, v in loads.items()}}
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
    p.add_argument("--java-opts", default="")
    p.add_argument("--agent-args", default="")
    p.add_argument("--admin-kubeconfig", default="")
    p.add_argument("--apiserver-dir", default="")
    p.add_argument("--json-out", default="")
    a = p.parse_args()
    bad = [r for r in a.runtimes.split(",") if r and r not in RUNTIMES]
    if bad:
        p.error(f"--runtimes {','.join(bad)}: the benchmark times containers by Docker's events, so it measures the "
                f"agent on the Docker engine only: {', '.join(RUNTIMES)}")
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
