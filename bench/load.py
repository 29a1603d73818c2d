"""The scenarios under load, a mixin of bench.Bench (standard library only): scale (many manifests at once, all
removed and 10 new right after) and footprint (a daemon's start to its first pod, then idle RSS and CPU at a few
pod counts). On every runtime alike, against that runtime's raw baselines (rt_docker, rt_cri)."""
import os
import time

from observe import log, mirror_gone, mirror_running


class LoadScenarios:
    def s_scale(self, subs):
        for count in self.scale:
            log(f"scenario scale {count}")
            for r in range(self.scale_runs if count <= 50 else 1):
                for s in subs:
                    self.scale_once(s, count, r)

    def parallel_pairs(self, rt, count):
        """The raw runtime's pod chains (sandbox, app), 8 chains in parallel: the pairs, ms to the last app start."""
        since = rt.ev.mark()
        t0 = time.time_ns()
        pairs = rt.pairs(count, 8)
        apps = {p[1] for p in pairs}
        evs = rt.ev.wait(lambda e: e["action"] == "start" and e["id"] in apps, since, 300, count=count)
        return pairs, (max(e["t"] for e in evs) - t0) / 1e6

    def wait_starts(self, s, fulls, since, timeout):
        """Time of the last app start of these pods; on a timeout, now (flagged)."""
        try:
            evs = s.rt.ev.wait(lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.container.name")
                                          == "app" and e["attrs"].get("io.kubernetes.pod.name") in fulls),
                               since, timeout, count=len(fulls), alive=s.check)
            return max(e["t"] for e in evs), False
        except TimeoutError:
            log(f"  {s.name}: not all {len(fulls)} pods started within {timeout} s")
            return time.time_ns(), True

    def scale_once(self, s, count, r):
        rt = s.rt
        # baseline: the same number of sandbox + app chains, 8 chains in parallel, then stopped 8 in parallel
        pairs, ms = self.parallel_pairs(rt, count)
        self.record_base(rt.base_many("run", count), ms)
        since = rt.ev.mark()
        t0 = time.time_ns()
        ids = rt.stop_pairs(pairs, 8)
        evs = rt.ev.wait(lambda e: e["action"] == "die" and e["id"] in ids, since, 300, count=len(ids))
        self.record_base(rt.base_many("stop", count), (max(e["t"] for e in evs) - t0) / 1e6)
        rt.rm(*pairs)

        names = [f"s{count}r{r}-{i}" for i in range(count)]
        staged = [self.stage(s, n) for n in names]
        since, msince = rt.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        fulls = {s.full(n) for n in names}
        last_c, late = self.wait_starts(s, fulls, since, 600)
        self.record(s, f"scale{count}_running", (last_c - t0) / 1e6, rt.base_many("run", count), timed_out=late)
        if self.api:
            last_m, missing = self.api.wait_all(mirror_running, fulls, msince, 300, alive=s.check)
            last_m = time.time_ns() if missing else last_m
            self.record(s, f"scale{count}_mirrors_running", (last_m - t0) / 1e6, rt.base_many("run", count),
                        timed_out=bool(missing))
            self.record(s, f"scale{count}_mirrors_after_last_container", (last_m - last_c) / 1e6)
        time.sleep(2)
        # all removed, and 10 new right after
        ids = set()
        for f in fulls:
            ids |= rt.container_ids(f)
        new = [f"s{count}r{r}-new-{i}" for i in range(10)]
        staged = [self.stage(s, n) for n in new]
        since, msince = rt.ev.mark(), self.api.mark() if self.api else 0
        t0 = time.time_ns()
        for n in names:
            os.unlink(self.path(s, n))
        t1 = time.time_ns()
        for tmp, dst in staged:
            os.rename(tmp, dst)
        evs = rt.ev.wait(lambda e: e["action"] == "die" and e["id"] in ids, since, 600, count=len(ids), alive=s.check)
        self.record(s, f"scale{count}_removed_gone", (max(e["t"] for e in evs) - t0) / 1e6,
                    rt.base_many("stop", count))
        last_n, late = self.wait_starts(s, {s.full(n) for n in new}, since, 600)
        self.record(s, f"scale{count}_then10_running", (last_n - t1) / 1e6, rt.base_many("run", 10), timed_out=late)
        if self.api:
            last_m, missing = self.api.wait_all(mirror_gone, fulls, msince, 300, alive=s.check)
            last_m = time.time_ns() if missing else last_m
            self.record(s, f"scale{count}_mirrors_gone", (last_m - t0) / 1e6, rt.base_many("stop", count),
                        timed_out=bool(missing))
        # the baseline for the 10: 10 chains, 8 in parallel
        pairs, ms = self.parallel_pairs(rt, 10)
        self.record_base(rt.base_many("run", 10), ms)
        rt.rm(*pairs)
        self.remove_and_wait(s, new, 120)

    def s_footprint(self, subs):
        log("scenario footprint: daemon start -> first pod running; idle RSS and CPU (children included)")
        for s in subs:
            rt = s.rt
            s.stop()
            for i in range(self.runs):
                ms, pair = self.timed_start(rt, rt.pair)
                self.record_base(rt.base("fp"), ms)
                rt.rm(pair)
                name = f"start-{i}"
                tmp, dst = self.stage(s, name)
                os.rename(tmp, dst)
                since = rt.ev.mark()
                t0 = s.start()
                e = self.wait_running(s, name, since, 180)
                self.record(s, "start_first_pod", (e["t"] - t0) / 1e6, rt.base("fp"), name, t0)
                if self.api:  # its mirror first: a pod removed before its mirror is made leaves none to wait for
                    self.api.wait(mirror_running(s.full(name)), 0, 120, alive=s.check)
                if i < self.runs - 1:  # a fresh start each time: the pod removed behind the daemon's back
                    s.stop()
                    os.unlink(dst)
                    rt.remove_pod(s.full(name))
                    s.forget()
                    if self.api:
                        self.api.request("DELETE", f"/api/v1/namespaces/default/pods/{s.full(name)}",
                                         {"gracePeriodSeconds": 0})
            self.remove_and_wait(s, [f"start-{self.runs - 1}"])
        for count in self.idle_pods:
            for s in subs:
                self.idle_once(s, count)

    def events_settled(self, s, names, quiet=5.0, timeout=120.0):
        """Seconds until the API server's events about these pods stopped growing for `quiet` seconds: a daemon
        sends its Pulled/Created/Started events rate-limited (5 a second, as the kubelet), so right after a mass
        start it is still at work; idle is measured once that work is done, for every daemon alike."""
        full = {s.full(n) for n in names}
        t0 = time.monotonic()
        last, since = -1, t0
        while time.monotonic() - t0 < timeout:
            items = (self.api.request("GET", "/api/v1/namespaces/default/events") or {}).get("items", [])
            n = sum(1 for e in items if e.get("involvedObject", {}).get("name") in full)
            now = time.monotonic()
            if n != last:
                last, since = n, now
            elif now - since >= quiet:
                break
            time.sleep(0.5)
        return round(time.monotonic() - t0, 1)

    def idle_once(self, s, count):
        names = [f"idle{count}-{i}" for i in range(count)]
        since = s.rt.ev.mark()
        for n in names:
            self.drop(s, n)
        for n in names:
            self.wait_running(s, n, since, 300)
        settled = None
        if self.api:
            self.api.wait_all(lambda n: mirror_running(s.full(n)), names, 0, 300, alive=s.check)
            settled = self.events_settled(s, names)
        else:
            time.sleep(5)
        a, pa = s.sample(), self.kubelet.proxy_cpu_s() if s is self.kubelet else 0
        w0 = time.monotonic()
        time.sleep(self.idle)
        s.check()
        b, pb = s.sample(), self.kubelet.proxy_cpu_s() if s is self.kubelet else 0
        wall = time.monotonic() - w0
        cpu, own = b["cpu_s"] - a["cpu_s"], b["own_cpu_s"] - a["own_cpu_s"]
        self.record(s, f"idle{count}_rss_mib", b["rss_mib"], unit="MiB", procs=b["procs"])
        extra = {"cpu_seconds": round(cpu, 2), "wall_seconds": round(wall, 1),
                 "containers_on_engine": s.rt.running_count(), "events_settled_s": settled}
        if hasattr(s, "class_data_archive"):
            extra["class_data_archive"] = s.class_data_archive()
        if s is self.kubelet:
            extra["docker_api_proxy_pct"] = round(100 * (pb - pa) / wall, 2)
        self.record(s, f"idle{count}_cpu_pct", 100 * cpu / wall, unit="%", **extra)
        self.record(s, f"idle{count}_cpu_children_pct", 100 * max(0.0, cpu - own) / wall, unit="%")
        if names:
            self.remove_and_wait(s, names, 300)
