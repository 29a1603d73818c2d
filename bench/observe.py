"""What the benchmark observes, with their own time stamps (standard library only).

  * a runtime's events (rt_docker.DockerEvents, rt_cri.CriEvents): Streams of {"t": ns, "action": "start" or
    "die", "id": container id, "attrs": the container's labels}, timed by the runtime itself;
  * Api: one HTTP watch of the pods in namespace default (the admin certificate); an event's time is when its
    line was received here (no polling).
Waits take an `alive` check, called about once a second, so that a daemon that died fails the wait at once
with its own error instead of a timeout.
"""
import base64
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import sys
import threading
import time


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


def sh(argv, check=True, timeout=120):
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout.strip()


class Stream:
    """Items appended by a reader thread; waits scan from an index (a `mark`) under one condition."""

    def __init__(self):
        self.cv = threading.Condition()
        self.items = []

    def add(self, item):
        with self.cv:
            self.items.append(item)
            self.cv.notify_all()

    def mark(self):
        with self.cv:
            return len(self.items)

    def wait(self, pred, since, timeout, count=1, alive=None):
        """The first `count` items after index `since` matching pred; TimeoutError after `timeout` seconds."""
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
                    raise TimeoutError(f"waited {timeout:.0f} s for {count} events, saw {len(found)}")
                self.cv.wait(min(left, 1.0))
                if alive:
                    alive()


class UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 to a UNIX socket (the Docker engine, or the kubelet's Docker API proxy)."""

    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socket_path)


def is_start(pod_full, container="app"):
    return lambda e: (e["action"] == "start" and e["attrs"].get("io.kubernetes.pod.name") == pod_full
                      and e["attrs"].get("io.kubernetes.container.name") == container)


class Api(Stream):
    def __init__(self, kubeconfig, scratch):
        super().__init__()
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
        self.stopped = False
        threading.Thread(target=self._watch, daemon=True).start()

    def request(self, method, path, body=None, ctype="application/json"):
        """The decoded answer; None for 404 (already gone); raises on other errors."""
        c = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30)
        c.request(method, path, body=json.dumps(body) if body is not None else None,
                  headers={"Content-Type": ctype} if body is not None else {})
        r = c.getresponse()
        data = r.read()
        c.close()
        if r.status == 404:
            return None
        if r.status >= 300:
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
                    self.add({"t": t, "type": m.get("type"), "name": md.get("name"), "uid": md.get("uid"),
                              "phase": (o.get("status") or {}).get("phase"), "deleting": "deletionTimestamp" in md})
            except Exception as e:  # reconnect
                if not self.stopped:
                    log("watch reconnect:", e)
                    time.sleep(0.2)

    def last(self, name):
        with self.cv:
            for ev in reversed(self.items):
                if ev["name"] == name:
                    return ev
        return None

    def wait_all(self, pred_of, names, since, timeout, alive=None):
        """The time of the last of one matching event per name, under one deadline; (t, names never seen)."""
        deadline = time.monotonic() + timeout
        last, missing = 0, []
        for n in names:
            try:
                ev = self.wait(pred_of(n), since, max(0.1, deadline - time.monotonic()), alive=alive)[0]
                last = max(last, ev["t"])
            except TimeoutError:
                missing.append(n)
        return last, missing


def mirror_running(name, not_uid=None):
    return lambda e: (e["name"] == name and e["type"] in ("ADDED", "MODIFIED") and e["phase"] == "Running"
                      and not e["deleting"] and e["uid"] != not_uid)


def mirror_gone(name):
    return lambda e: e["name"] == name and e["type"] == "DELETED"
