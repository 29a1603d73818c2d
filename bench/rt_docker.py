"""The Docker engine as the benchmark sees it (standard library only): its event stream, what runs on it, and the
raw `docker` CLI baselines. The agent on `docker` and `docker-cli` and the kubelet (dockershim) run here.

  * events: `docker events --format '{{.TimeNano}} {{json .}}'`, the engine's own start/die times;
  * baselines: a pod as `docker run -d` of a sandbox (pause, `--ipc shareable`) then of the app joined to its
    network and IPC; one `docker run -d --network host` for a hostNetwork pod; `docker start` of a killed app;
    `docker stop -t 5` of the app, then of the sandbox. Every container carries io.staticpod.bench=<run id>.
"""
import concurrent.futures
import json
import subprocess
import threading

from observe import Stream, sh

BENCH_LABEL = "io.staticpod.bench"


class DockerEvents(Stream):
    def __init__(self):
        super().__init__()
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
            self.add(ev)

    def close(self):
        self.proc.kill()
        self.proc.wait()


class DockerEngine:
    """Pairs are (sandbox id, app id); a hostNetwork baseline is (None, app id)."""
    name = "docker"
    BASE = {"pair": "docker_run_sandbox_app", "hostnet": "docker_run_one", "restart": "docker_start",
            "stop": "docker_stop_pair", "edit": "docker_stop_pair_run_pair", "fp": "docker_run_sandbox_app_fp"}

    def __init__(self, run_id, busybox, pause, app_cmd):
        self.run_id, self.busybox, self.pause, self.app_cmd = run_id, busybox, pause, app_cmd
        self.seq = 0
        self.lock = threading.Lock()
        self.ev = DockerEvents()

    def base(self, key):
        return self.BASE[key]

    def base_many(self, verb, count):
        return f"docker_{verb}_{count}_pairs_p8"

    def _name(self):
        with self.lock:
            self.seq += 1
            return f"{self.run_id}-{self.seq}"

    def pair(self):
        n = self._name()
        lbl = ["--label", f"{BENCH_LABEL}={self.run_id}"]
        sid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-pod", "--restart=no", "--ipc", "shareable"]
                 + lbl + [self.pause])
        aid = sh(["docker", "run", "-d", "--pull=never", "--name", n + "-app", "--restart=no",
                  "--network", f"container:{sid}", "--ipc", f"container:{sid}"] + lbl
                 + ["-e", "GEN=1", "--entrypoint", "sh", self.busybox, "-c", self.app_cmd[2]])
        return sid, aid

    def hostnet(self):
        return None, sh(["docker", "run", "-d", "--pull=never", "--name", self._name() + "-app", "--restart=no",
                         "--network", "host", "--label", f"{BENCH_LABEL}={self.run_id}", "--entrypoint", "sh",
                         self.busybox, "-c", self.app_cmd[2]])

    def restart(self, pair):
        """The killed app started again; the id whose start ends it."""
        sh(["docker", "start", pair[1]])
        return pair[1]

    def stop(self, pair):
        """The app stopped, then the sandbox; the id whose die ends it."""
        sh(["docker", "stop", "-t", "5", pair[1]])
        sh(["docker", "stop", "-t", "5", pair[0]])
        return pair[0]

    def pairs(self, count, parallel=8):
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            return list(pool.map(lambda _: self.pair(), range(count)))

    def stop_pairs(self, pairs, parallel=8):
        """Every pair stopped (app, then sandbox); the ids whose die ends it."""
        with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
            list(pool.map(self.stop, pairs))
        return {x for p in pairs for x in p}

    def rm(self, *pairs):
        ids = [x for p in pairs for x in p if x]
        if ids:
            sh(["docker", "rm", "-f"] + ids, check=False)

    def kill(self, cid):
        sh(["docker", "kill", cid])

    def container_ids(self, full, running=True):
        out = sh(["docker", "ps"] + ([] if running else ["-a"]) + ["-q", "--no-trunc", "--filter",
                                                                   f"label=io.kubernetes.pod.name={full}"])
        return set(out.split())

    def remove_pod(self, full):
        """A pod's containers removed behind its daemon's back (the daemon is stopped)."""
        self.rm(tuple(self.container_ids(full, running=False)))

    def running_count(self):
        return len(sh(["docker", "ps", "-q"]).split())

    def describe(self):
        return {"engine": "docker", "version": sh(["docker", "version", "-f", "{{.Server.Version}}"], check=False)}

    def close(self):
        self.ev.close()
