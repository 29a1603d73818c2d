package io.staticpod.agent.nodeapi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An authorized upgrade request (exec, with SPDY's headers) handed over to another HTTP server as a byte tunnel:
 * here a local echo server that answers 101 and then sends back every byte, as a CRI streaming server would speak
 * SPDY. What phase 2's exec, attach and port-forward proxying rests on.
 */
class NodeApiTunnelTest {
    @TempDir
    Path root;
    ServerHarness api;
    EchoServer echo;
    final AtomicReference<Streaming.Request> asked = new AtomicReference<>();

    @AfterEach
    void tearDown() throws IOException {
        if (api != null) {
            api.close();
        }
        if (echo != null) {
            echo.close();
        }
    }

    void start() throws Exception {
        echo = new EchoServer();
        api = new ServerHarness(root, ServerHarness.config(root), 4, (id, o) -> {
            throw new StaticPodLogs.Unsupported("no logs here");
        }, request -> {
            asked.set(request);
            return URI.create("http://127.0.0.1:" + echo.port() + "/exec/Ab12Cd?session=1");
        });
        api.pods.run(FakePods.staticPod("kube-system", "etcd", "etcd"));
    }

    @Test
    void anAuthorizedUpgradeIsHandedOverAndBytesFlowBothWaysIncludingThoseSentEarly() throws Exception {
        start();
        api.reviews.allow("jane", "create", "proxy");
        try (SSLSocket s = client()) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /exec/kube-system/etcd-node-1/etcd?command=sh&command=-c&input=1&output=1&tty=1"
                    + " HTTP/1.1\r\nHost: node-1:10250\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                    + "X-Stream-Protocol-Version: v4.channel.k8s.io\r\nAuthorization: Bearer not-for-the-runtime\r\n"
                    + "Content-Length: 0\r\n\r\nearly bytes|").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();

            assertThat(readHead(in)).startsWith("HTTP/1.1 101 Switching Protocols");
            assertThat(readExactly(in, "early bytes|".length())).isEqualTo("early bytes|");
            out.write("ping".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readExactly(in, 4)).isEqualTo("ping");
        }

        String head = echo.heads.get(0);
        assertThat(head).startsWith("POST /exec/Ab12Cd?session=1 HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + echo.port() + "\r\n")
                .contains("Upgrade: SPDY/3.1\r\n").contains("X-Stream-Protocol-Version: v4.channel.k8s.io\r\n")
                .doesNotContain("not-for-the-runtime").doesNotContainIgnoringCase("authorization");
        Streaming.Request r = asked.get();
        assertThat(r.kind()).isEqualTo(Streaming.Kind.EXEC);
        assertThat(r.container()).isEqualTo("etcd");
        assertThat(r.command()).containsExactly("sh", "-c");
        assertThat(r.stdin()).isTrue();
        assertThat(r.tty()).isTrue();
        assertThat(r.stderr()).isFalse();
    }

    @Test
    void anUnauthorizedUpgradeIsRefusedByTheNodeAndNeverReachesTheStreamingServer() throws Exception {
        start();
        api.reviews.allow("jane", "get", "proxy"); // get is not enough for exec, even as a WebSocket GET
        try (SSLSocket s = client()) {
            s.getOutputStream().write(("GET /exec/kube-system/etcd-node-1/etcd?command=sh HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();

            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 403 Forbidden");
        }
        assertThat(asked.get()).isNull();
        assertThat(echo.heads).isEmpty();
    }

    @Test
    void onARuntimeWithoutAStreamingServerExecIs501AndSaysWhichRuntimesServeIt() throws Exception {
        api = new ServerHarness(root, ServerHarness.config(root), 4, (id, o) -> {
            throw new StaticPodLogs.Unsupported("no logs here");
        }, null);
        api.pods.run(FakePods.staticPod("kube-system", "etcd", "etcd"));
        api.reviews.allow("jane", "create", "proxy");
        try (SSLSocket s = client()) {
            s.getOutputStream().write(upgrade("/exec/kube-system/etcd-node-1/etcd?command=date&output=1"));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(answer).startsWith("HTTP/1.1 501 Not Implemented").contains("application/json")
                    .contains("\"kind\":\"Status\"").contains("\"code\":501").contains("exec is not served for runtime"
                    + " fake by this agent: exec, attach and port-forward need a runtime driven through its API"
                    + " (--runtime docker, --runtime containerd or --runtime cri)");
        }
    }

    @Test
    void execIsAskedOfTheRuntimeForTheRunningInstanceAndAContainerThatIsNotRunningIs404() throws Exception {
        echo = new EchoServer();
        List<String> asked = new CopyOnWriteArrayList<>();
        api = new ServerHarness(root, ServerHarness.config(root), 4, (id, o) -> {
            throw new StaticPodLogs.Unsupported("no logs here");
        }, new RuntimeStreaming(new io.staticpod.runtime.spi.StreamingUrls() {
            @Override
            public URI exec(String containerId, List<String> command, StreamOptions options) {
                asked.add(containerId + " " + command);
                return URI.create("http://127.0.0.1:" + echo.port() + "/exec/Tk");
            }

            @Override
            public URI attach(String containerId, StreamOptions options) {
                throw new AssertionError("not asked");
            }

            @Override
            public URI portForward(String sandboxId, List<Integer> ports) {
                throw new AssertionError("not asked");
            }
        }));
        var pod = FakePods.staticPod("kube-system", "etcd", "etcd");
        String id = api.pods.run(pod).get(0);
        api.reviews.allow("jane", "create", "proxy");
        try (SSLSocket s = client()) {
            s.getOutputStream().write(upgrade("/exec/kube-system/etcd-node-1/etcd?command=date&output=1"));
            s.getOutputStream().flush();
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 101 Switching Protocols");
        }
        assertThat(asked).containsExactly(id + " [date]");
        assertThat(echo.heads.get(0)).startsWith("POST /exec/Tk HTTP/1.1");

        api.pods.put(pod, new io.staticpod.mirror.PodStatus(pod.uid(), io.staticpod.mirror.PodStatus.Phase.Failed,
                null, null, List.of(), List.of(), null));
        try (SSLSocket s = client()) {
            s.getOutputStream().write(upgrade("/exec/kube-system/etcd-node-1/etcd?command=date&output=1"));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 404 Not Found").contains("\"reason\":\"NotFound\"")
                    .contains("container \\\"etcd\\\" in pod \\\"etcd-node-1\\\" is not running");
        }
        assertThat(asked).hasSize(1);
    }

    private static byte[] upgrade(String pathAndQuery) {
        return ("POST " + pathAndQuery + " HTTP/1.1\r\nHost: node-1:10250\r\nConnection: Upgrade\r\n"
                + "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\nContent-Length: 0\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private SSLSocket client() throws Exception {
        SSLSocket s = (SSLSocket) TestPki.clientContext(ServerHarness.PKI.client("jane"), api.serving)
                .getSocketFactory().createSocket("127.0.0.1", api.server.port());
        s.setSoTimeout(20_000);
        return s;
    }

    /** The status line and headers, up to the empty line. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static String readExactly(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    /** Answers the first request with 101, then echoes every byte; records each request head. */
    static final class EchoServer implements AutoCloseable {
        final List<String> heads = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        private final Thread thread;

        EchoServer() throws IOException {
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket c = server.accept()) {
                        heads.add(readHead(c.getInputStream()));
                        OutputStream out = c.getOutputStream();
                        out.write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        byte[] buf = new byte[4096];
                        for (int n; (n = c.getInputStream().read(buf)) > 0; ) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }
            }, "echo-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
