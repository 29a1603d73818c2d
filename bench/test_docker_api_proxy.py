#!/usr/bin/env python3
"""Tests of docker_api_proxy against a fake engine on a UNIX socket (standard library only).

    python3 -m unittest discover -s bench -p 'test_*.py'      # BenchSmokeIT runs it too
"""
import json
import os
import socket
import socketserver
import tempfile
import threading
import unittest
import urllib.parse

import docker_api_proxy as proxy
from observe import UnixConnection

LABEL = "io.staticpod.bench=kubelet-node"


class FakeEngine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """Records each request (method, target, headers, body) and answers by path."""
    daemon_threads = True

    def __init__(self, path):
        self.requests = []
        self.release = threading.Event()
        super().__init__(path, FakeEngineHandler)


class FakeEngineHandler(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            head = proxy.read_head(self.rfile)
            if not head:
                return
            (method, target, _), headers = proxy.parse_head(head)
            body = self.rfile.read(int(proxy.header(headers, "content-length") or 0))
            self.server.requests.append((method, target, headers, body))
            path = urllib.parse.urlsplit(target).path
            if path.endswith("/events"):
                self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                self.send(b"5\r\nfirst\r\n")
                self.server.release.wait(10)  # the stream stays open until the test has read the first event
                self.send(b"6\r\nsecond\r\n0\r\n\r\n")
            elif path.endswith("/start") and proxy.header(headers, "upgrade"):
                self.send(b"HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                          b"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\nhello ")
                data = self.connection.recv(100)
                self.send(b"echo:" + data)
                return
            else:
                answer = json.dumps({"path": path}).encode()
                self.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                          + str(len(answer)).encode() + b"\r\n\r\n" + answer)

    def send(self, data):
        self.wfile.write(data)
        self.wfile.flush()


class DockerApiProxyTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="proxy-test-")
        self.engine = FakeEngine(os.path.join(self.dir, "engine.sock"))
        threading.Thread(target=self.engine.serve_forever, daemon=True).start()
        self.log = open(os.path.join(self.dir, "proxy.log"), "w+")
        self.listen = os.path.join(self.dir, "proxy.sock")
        self.proxy = proxy.serve(self.listen, self.engine.server_address, LABEL, self.log)
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()
        self.conn = UnixConnection(self.listen)

    def tearDown(self):
        self.engine.release.set()
        self.conn.close()
        self.proxy.shutdown()
        self.proxy.server_close()
        self.engine.shutdown()
        self.engine.server_close()
        self.log.close()

    def call(self, method, target, body=None):
        self.conn.request(method, target, body=json.dumps(body) if body is not None else None,
                          headers={"Content-Type": "application/json"})
        r = self.conn.getresponse()
        return r.status, r.read()

    def forwarded(self):
        return self.engine.requests[-1]

    def test_a_negative_oom_score_adj_becomes_zero_and_the_container_gets_the_label(self):
        status, _ = self.call("POST", "/v1.40/containers/create?name=k8s_POD_web-node_default_uid_0",
                              {"Image": "pause", "Labels": {"io.kubernetes.docker.type": "podsandbox"},
                               "HostConfig": {"OomScoreAdj": -998, "IpcMode": "shareable"}})
        self.assertEqual(200, status)
        _, _, _, body = self.forwarded()
        sent = json.loads(body)
        self.assertEqual(0, sent["HostConfig"]["OomScoreAdj"])
        self.assertEqual("shareable", sent["HostConfig"]["IpcMode"])
        self.assertEqual({"io.kubernetes.docker.type": "podsandbox", "io.staticpod.bench": "kubelet-node"},
                         sent["Labels"])
        self.log.seek(0)
        self.assertIn("create k8s_POD_web-node_default_uid_0: OomScoreAdj -998 -> 0", self.log.read())

    def test_a_container_without_oom_score_adj_only_gets_the_label(self):
        self.call("POST", "/containers/create?name=plain", {"Image": "busybox"})
        sent = json.loads(self.forwarded()[3])
        self.assertEqual({"Image": "busybox", "Labels": {"io.staticpod.bench": "kubelet-node"}}, sent)
        self.assertEqual(0, self.proxy.proxy.rewrites)

    def test_container_lists_are_narrowed_to_the_label_whatever_the_filter_form(self):
        cases = [
            ({"label": {"io.kubernetes.docker.type=container": True}},
             {"label": {"io.kubernetes.docker.type=container": True, LABEL: True}}),
            ({"label": ["io.kubernetes.docker.type=podsandbox"], "status": ["running"]},
             {"label": ["io.kubernetes.docker.type=podsandbox", LABEL], "status": ["running"]}),
            (None, {"label": [LABEL]}),
        ]
        for given, expected in cases:
            query = {"all": "1"}
            if given is not None:
                query["filters"] = json.dumps(given)
            self.call("GET", "/containers/json?" + urllib.parse.urlencode(query))
            _, target, _, _ = self.forwarded()
            got = urllib.parse.parse_qs(urllib.parse.urlsplit(target).query)
            self.assertEqual(["1"], got["all"])
            self.assertEqual(expected, json.loads(got["filters"][0]))

    def test_image_removal_is_refused_without_asking_the_engine(self):
        status, body = self.call("DELETE", "/v1.40/images/sha256:abc?force=0&noprune=0")
        self.assertEqual(409, status)
        self.assertIn("refused", json.loads(body)["message"])
        self.assertEqual([], self.engine.requests)

    def test_other_calls_pass_unchanged_on_one_kept_alive_connection(self):
        for target in ("/v1.40/containers/abc/json", "/_ping", "/v1.40/images/json"):
            status, body = self.call("GET", target)
            self.assertEqual(200, status)
            self.assertEqual(urllib.parse.urlsplit(target).path, json.loads(body)["path"])
            self.assertEqual(target, self.forwarded()[1])
        self.assertEqual(3, len(self.engine.requests))

    def test_a_chunked_stream_is_relayed_as_it_comes(self):
        self.conn.request("GET", "/events")
        r = self.conn.getresponse()
        self.assertEqual(b"first", r.read1(100))  # before the engine has sent the rest
        self.engine.release.set()
        self.assertEqual(b"second", r.read())

    def test_an_upgraded_connection_carries_raw_bytes_both_ways(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(self.listen)
        body = b'{"Detach":false,"Tty":false}'
        s.sendall(b"POST /v1.40/exec/abc/start HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                  b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        got = b""
        while b"hello " not in got:
            got += s.recv(100)
        self.assertIn(b"101 UPGRADED", got)
        s.sendall(b"ping")
        while b"echo:ping" not in got:
            got += s.recv(100)
        s.close()


if __name__ == "__main__":
    unittest.main()
