#!/usr/bin/env python3
"""A Docker Engine API reverse proxy on a UNIX socket, for running the real kubelet (dockershim) in the benchmark
on a shared Docker engine (standard library only).

    docker_api_proxy.py --listen SOCKET [--upstream /var/run/docker.sock] --label KEY=VALUE [--log FILE]

What it changes, and why:
  * POST /containers/create: a negative HostConfig.OomScoreAdj becomes 0. The kubelet asks -998 for sandboxes and
    -997 for static pods' containers; on this VM root lacks CAP_SYS_RESOURCE, so runc cannot set them and no pod
    starts. Each rewrite is logged (`create NAME: OomScoreAdj -998 -> 0`).
  * POST /containers/create: the label KEY=VALUE is added to every container, and
    GET /containers/json: KEY=VALUE is added to the label filters. The kubelet sees only the containers it created
    through this proxy: without this it would take every container carrying the kubelet's labels on the engine
    (the agent's and other test suites') for pods of its own and kill them as unwanted.
  * DELETE /images/...: refused (409), so the kubelet's image garbage collection never removes a shared image.
Everything else is relayed unchanged: bodies by Content-Length or chunked, streamed as they come (events, logs,
pulls), and upgraded or hijacked connections (exec, attach) as raw bytes both ways.
"""
import argparse
import json
import os
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse

CREATE = re.compile(r"^(/v[0-9.]+)?/containers/create$")
LIST = re.compile(r"^(/v[0-9.]+)?/containers/json$")
IMAGE = re.compile(r"^(/v[0-9.]+)?/images/")
MAX_HEAD = 64 * 1024


class Proxy:
    def __init__(self, upstream, label, log):
        self.upstream = upstream
        self.label = label
        self.logf = log
        self.lock = threading.Lock()
        self.rewrites = 0

    def log(self, msg):
        with self.lock:
            self.logf.write(f"{time.strftime('%H:%M:%S')} {msg}\n")
            self.logf.flush()

    # -- the three rewrites; each returns (target, body) or raises Refused
    def rewrite(self, method, target, body):
        url = urllib.parse.urlsplit(target)
        if method == "POST" and CREATE.match(url.path):
            spec = json.loads(body or b"{}")
            host = spec.get("HostConfig") or {}
            adj = host.get("OomScoreAdj") or 0
            name = urllib.parse.parse_qs(url.query).get("name", ["?"])[0]
            if adj < 0:
                host["OomScoreAdj"] = 0
                spec["HostConfig"] = host
                self.rewrites += 1
                self.log(f"create {name}: OomScoreAdj {adj} -> 0")
            key, value = self.label.split("=", 1)
            spec["Labels"] = dict(spec.get("Labels") or {}, **{key: value})
            return target, json.dumps(spec).encode()
        if method == "GET" and LIST.match(url.path):
            query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
            filters = {}
            for k, v in query:
                if k == "filters" and v:
                    filters = json.loads(v)
            labels = filters.get("label")
            if isinstance(labels, dict):
                labels[self.label] = True
            else:
                filters["label"] = list(labels or []) + [self.label]
            query = [(k, v) for k, v in query if k != "filters"] + [("filters", json.dumps(filters))]
            return urllib.parse.urlunsplit(url._replace(query=urllib.parse.urlencode(query))), body
        if method == "DELETE" and IMAGE.match(url.path):
            self.log(f"refused {method} {url.path}")
            raise Refused("image removal is refused by the benchmark's Docker API proxy (shared engine)")
        return target, body


class Refused(Exception):
    pass


def read_head(f):
    """The request or status line and headers (raw bytes up to the blank line), or b'' at EOF."""
    lines = []
    size = 0
    while True:
        line = f.readline(MAX_HEAD)
        if not line:
            return b""
        if not lines and line in (b"\r\n", b"\n"):
            continue  # tolerate a stray CRLF between messages
        lines.append(line)
        size += len(line)
        if line in (b"\r\n", b"\n"):
            return b"".join(lines)
        if size > MAX_HEAD:
            raise ValueError("header too large")


def parse_head(head):
    lines = head.decode("latin-1").split("\r\n")
    first = lines[0].split(" ", 2)
    headers = []
    for line in lines[1:]:
        if line:
            k, _, v = line.partition(":")
            headers.append((k.strip(), v.strip()))
    return first, headers


def header(headers, name):
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def read_chunked(f):
    out = bytearray()
    while True:
        size = int(f.readline(MAX_HEAD).split(b";")[0].strip(), 16)
        if size == 0:
            while f.readline(MAX_HEAD) not in (b"\r\n", b"\n", b""):
                pass
            return bytes(out)
        out += f.read(size)
        f.readline(MAX_HEAD)


def copy_chunked(src, dst):
    """Relays a chunked body chunk by chunk, flushing each (streams stay live)."""
    while True:
        line = src.readline(MAX_HEAD)
        if not line:
            return False
        dst.write(line)
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while True:
                trailer = src.readline(MAX_HEAD)
                dst.write(trailer)
                if trailer in (b"\r\n", b"\n", b""):
                    dst.flush()
                    return True
        dst.write(src.read(size + 2))
        dst.flush()


def copy_n(src, dst, n):
    while n > 0:
        data = src.read(min(n, 65536))
        if not data:
            return False
        dst.write(data)
        n -= len(data)
    dst.flush()
    return True


def buffered(reader, sock):
    """The bytes a buffered reader already holds, without waiting for more."""
    sock.setblocking(False)
    try:
        data = reader.peek(65536)
    except BlockingIOError:
        data = b""
    finally:
        sock.setblocking(True)
    return reader.read(len(data)) if data else b""


def pump(a, b):
    """Raw bytes both ways until either side closes (hijacked exec/attach connections)."""
    def one(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (dst,):
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
    t = threading.Thread(target=one, args=(b, a), daemon=True)
    t.start()
    one(a, b)
    t.join()


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        proxy = self.server.proxy
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        up.connect(proxy.upstream)
        upr, upw = up.makefile("rb"), up.makefile("wb")
        try:
            while self.exchange(proxy, up, upr, upw):
                pass
        except (OSError, ValueError) as e:
            proxy.log(f"connection ended: {e}")
        finally:
            up.close()

    def exchange(self, proxy, up, upr, upw):
        """One request and its response; False when the connection is done."""
        head = read_head(self.rfile)
        if not head:
            return False
        (method, target, version), headers = parse_head(head)
        if header(headers, "transfer-encoding") == "chunked":
            body = read_chunked(self.rfile)
        else:
            body = self.rfile.read(int(header(headers, "content-length") or 0))
        try:
            target, body = proxy.rewrite(method, target, body)
        except Refused as e:
            msg = json.dumps({"message": str(e)}).encode()
            self.wfile.write(b"HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: "
                             + str(len(msg)).encode() + b"\r\n\r\n" + msg)
            self.wfile.flush()
            return True
        kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "transfer-encoding")]
        if body or method in ("POST", "PUT", "PATCH"):
            kept.append(("Content-Length", str(len(body))))
        upw.write(f"{method} {target} {version}\r\n".encode("latin-1")
                  + b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in kept) + b"\r\n" + body)
        upw.flush()

        rhead = read_head(upr)
        if not rhead:
            return False
        (_, status, *_), rheaders = parse_head(rhead)
        status = int(status)
        self.wfile.write(rhead)
        self.wfile.flush()
        ctype = header(rheaders, "content-type") or ""
        if status == 101 or (header(headers, "upgrade") and "vnd.docker.raw-stream" in ctype):
            self.wfile.write(buffered(upr, up))  # what the engine sent right behind its answer
            self.wfile.flush()
            upw.write(buffered(self.rfile, self.connection))
            upw.flush()
            pump(self.connection, up)
            return False
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return True
        if header(rheaders, "transfer-encoding") == "chunked":
            return copy_chunked(upr, self.wfile)
        length = header(rheaders, "content-length")
        if length is not None:
            return copy_n(upr, self.wfile, int(length))
        while True:  # body until the engine closes
            data = upr.read1(65536)
            if not data:
                self.wfile.flush()
                return False
            self.wfile.write(data)
            self.wfile.flush()


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def serve(listen, upstream, label, log):
    if os.path.exists(listen):
        os.unlink(listen)
    server = Server(listen, Handler)
    os.chmod(listen, 0o600)
    server.proxy = Proxy(upstream, label, log)
    return server


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", default="/var/run/docker.sock")
    p.add_argument("--label", required=True, help="KEY=VALUE added to created containers and to list filters")
    p.add_argument("--log", default="")
    a = p.parse_args()
    if "=" not in a.label:
        p.error("--label must be KEY=VALUE")
    log = open(a.log, "a") if a.log else sys.stderr
    server = serve(a.listen, a.upstream, a.label, log)
    server.proxy.log(f"listening on {a.listen}, upstream {a.upstream}, label {a.label}")
    try:
        server.serve_forever()
    finally:
        os.unlink(a.listen)


if __name__ == "__main__":
    main()
