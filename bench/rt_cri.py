"""containerd's CRI plugin as the benchmark sees it (standard library only): its event stream, what runs on it,
and the raw CRI baselines. The agent on `cri` (and `containerd`) runs here, with
`--container-runtime-endpoint unix://SOCKET`; the kubelet does not.

  * events: `ctr --address SOCKET events`, topics /tasks/start and /tasks/exit of namespace k8s.io with containerd's
    own time stamps, as the same {"t", "action": "start"|"die", "id", "attrs"} items as Docker's; attrs are the
    containerd container's labels (io.kubernetes.pod.name, io.kubernetes.container.name, which the agent sets on
    CRI as the kubelet does), asked once per container id (`ctr -n k8s.io containers info ID`) and kept;
  * baselines: one JVM for the run, io.staticpod.runtime.cri.RawCriBaseline --serve (container-runtime's test
    sources, compiled here against the agent's jar, which holds the CRI client), driven over its stdin: the raw
    RunPodSandbox + CreateContainer + StartContainer chain, with the pod network or the node's, a container made
    again in its sandbox (CRI has no restart), StopContainer + StopPodSandbox, and removals. Its sandboxes carry
    io.staticpod.bench=<run id>; at the end of its input it removes those it made.
"""
import datetime
import json
import os
import subprocess
import threading

from observe import Stream, log, sh

NAMESPACE = "k8s.io"
BASELINE_SOURCES = ("RawCriBaseline.java", "RawCriChains.java")


def parse_time(date, clock, offset):
    """ns since the epoch of ctr's `2026-12-07 01:03:42.641776238 +0000` (Go trims trailing zeros of the fraction)."""
    whole, _, frac = clock.partition(".")
    dt = datetime.datetime.strptime(f"{date} {whole} {offset}", "%Y-%m-%d %H:%M:%S %z")
    return int(dt.timestamp()) * 1_000_000_000 + int((frac + "000000000")[:9])


def parse_event(line):
    """(action, container id, ns) of one `ctr events` line: "start" for /tasks/start, "die" for /tasks/exit of a
    container's task (not of a process exec'd in it), "delete" for /containers/delete, in namespace k8s.io; else None.
    A line: `2026-12-07 01:03:42.641776238 +0000 UTC k8s.io /tasks/start {"container_id":"...","pid":11633}`."""
    parts = line.rstrip("\n").split(" ", 6)
    if len(parts) < 7 or parts[4] != NAMESPACE:
        return None
    topic = parts[5]
    try:
        m = json.loads(parts[6])
        if topic == "/containers/delete":
            return "delete", m["id"], None
        if topic not in ("/tasks/start", "/tasks/exit"):
            return None
        cid = m["container_id"]
        if topic == "/tasks/exit" and m.get("id", cid) != cid:
            return None
        return ("start" if topic == "/tasks/start" else "die"), cid, parse_time(parts[0], parts[1], parts[2])
    except (ValueError, KeyError, TypeError):
        return None


class CriEvents(Stream):
    def __init__(self, ctr):
        super().__init__()
        self.ctr = ctr
        self.labels = {}      # container id -> its labels, asked once
        self.running = {}     # container id -> labels, between its task's start and exit
        self.proc = subprocess.Popen(ctr + ["events"], stdout=subprocess.PIPE, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _labels(self, cid):
        if cid not in self.labels:
            r = subprocess.run(self.ctr + ["-n", NAMESPACE, "containers", "info", cid], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
            try:
                self.labels[cid] = json.loads(r.stdout).get("Labels") or {} if r.returncode == 0 else {}
            except ValueError:
                self.labels[cid] = {}
        return self.labels[cid]

    def _read(self):
        for line in self.proc.stdout:
            ev = parse_event(line)
            if ev is None:
                continue
            action, cid, t = ev
            if action == "delete":
                self.labels.pop(cid, None)
                continue
            attrs = self._labels(cid)
            with self.cv:
                if action == "start":
                    self.running[cid] = attrs
                else:
                    self.running.pop(cid, None)
            self.add({"t": t, "action": action, "id": cid, "attrs": attrs})

    def close(self):
        self.proc.kill()
        self.proc.wait()


class RawCri:
    """The baseline JVM: one command line in after a tag, one `raw-cri TAG ok ...` line out; answers with another
    tag (one a caller stopped waiting for, e.g. on SIGTERM) are skipped. A lock keeps one command at a time."""

    def __init__(self, root, jar, scratch, endpoint, run_id):
        classes = os.path.join(scratch, "raw-cri-classes")
        src = os.path.join(root, "container-runtime", "src", "test", "java", "io", "staticpod", "runtime", "cri")
        sh(["javac", "-nowarn", "-d", classes, "-cp", jar] + [os.path.join(src, f) for f in BASELINE_SOURCES],
           timeout=300)
        self.log = os.path.join(scratch, "raw-cri.log")
        self.lock = threading.Lock()
        self.tag = 0
        self.proc = subprocess.Popen(
            ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", f"{classes}:{jar}",
             "io.staticpod.runtime.cri.RawCriBaseline", "--serve", "--endpoint", endpoint,
             "--log-root", os.path.join(scratch, "raw-cri-logs"), "--label", run_id, "--warmup", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.log, "a"), text=True,
            start_new_session=True)  # not in the terminal's process group: a Ctrl-C leaves it its clean-up
        self.pidfile = os.path.join(scratch, "raw-cri.pid")
        with open(self.pidfile, "w") as f:
            f.write(str(self.proc.pid))
        self._answer("ready")

    def _answer(self, tag):
        for line in self.proc.stdout:
            w = line.split()
            if w[:2] == ["raw-cri", tag] and len(w) > 2:
                if w[2] == "error":
                    raise RuntimeError(f"raw CRI baseline: {line.strip()}")
                return w[3:]
            if w[:2] == ["raw-cri", "ready"] and tag == "ready":
                return []
            if line.startswith("raw-cri warmup"):
                log(f"  raw CRI baseline {w[-1]} (warm-up, not counted)")
        raise RuntimeError(f"the raw CRI baseline ended (exit {self.proc.wait()}); see {self.log}")

    def call(self, *words):
        with self.lock:
            self.tag += 1
            self.proc.stdin.write(" ".join(str(w) for w in (self.tag,) + words) + "\n")
            self.proc.stdin.flush()
            return self._answer(str(self.tag))

    def close(self):
        """End of input: it removes what it made and is left, then exits."""
        try:
            self.proc.stdin.close()
            self.proc.wait(120)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.unlink(self.pidfile)


class CriEngine:
    """Pairs are (sandbox id, app container id), hostNetwork ones too (CRI always has a sandbox)."""
    name = "cri"
    BASE = {"pair": "cri_run_sandbox_app", "hostnet": "cri_run_sandbox_app_hostnet",
            "restart": "cri_create_start_in_sandbox", "stop": "cri_stop_pair", "edit": "cri_stop_pair_run_pair",
            "fp": "cri_run_sandbox_app_fp"}

    def __init__(self, root, jar, scratch, socket, run_id):
        self.socket, self.run_id = socket, run_id
        self.ctr = ["ctr", "--address", socket]
        self.ev = CriEvents(self.ctr)
        self.raw = RawCri(root, jar, scratch, "unix://" + socket, run_id)

    def base(self, key):
        return self.BASE[key]

    def base_many(self, verb, count):
        return f"cri_{verb}_{count}_pairs_p8"

    def pair(self):
        return tuple(self.raw.call("run"))

    def hostnet(self):
        return tuple(self.raw.call("run", "host"))

    def restart(self, pair):
        return self.raw.call("recreate", pair[0])[0]

    def stop(self, pair):
        self.raw.call("stop", 1, pair[0])
        return pair[0]

    def pairs(self, count, parallel=8):
        return [tuple(p.split("/")) for p in self.raw.call("runmany", count, parallel)]

    def stop_pairs(self, pairs, parallel=8):
        self.raw.call("stop", parallel, *[p[0] for p in pairs])
        return {x for p in pairs for x in p}

    def rm(self, *pairs):
        if pairs:
            self.raw.call("remove", 8, *[p[0] for p in pairs])

    def kill(self, cid):
        sh(self.ctr + ["-n", NAMESPACE, "tasks", "kill", "-s", "SIGKILL", cid])

    def container_ids(self, full, running=True):
        """The running containers of a pod (sandbox and app), as the event stream saw them start and not exit."""
        with self.ev.cv:
            return {cid for cid, attrs in self.ev.running.items() if attrs.get("io.kubernetes.pod.name") == full}

    def remove_pod(self, full):
        self.raw.call("remove-pod", full)

    def running_count(self):
        out = sh(self.ctr + ["-n", NAMESPACE, "tasks", "ls"], check=False)
        return sum(1 for line in out.splitlines()[1:] if line.split()[-1:] == ["RUNNING"])

    def describe(self):
        version = sh(self.ctr + ["version"], check=False).split("Server:")[-1].split()
        return {"engine": "containerd (CRI plugin)", "endpoint": "unix://" + self.socket,
                "version": version[version.index("Version:") + 1] if "Version:" in version else None}

    def close(self):
        """Everything of the run left on containerd (the agents' pods, the baseline's sandboxes), then the JVM."""
        try:
            n = int(self.raw.call("remove-owned", self.run_id)[0])
            if n:
                log(f"removed {n} sandboxes of this run from containerd")
        except (RuntimeError, OSError, ValueError) as e:
            log(f"could not remove this run's sandboxes from containerd: {e}")
        self.raw.close()
        self.ev.close()
