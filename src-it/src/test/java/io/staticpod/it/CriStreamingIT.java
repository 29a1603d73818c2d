package io.staticpod.it;

import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.StreamingUrls;
import io.staticpod.runtime.spi.StreamingUrls.StreamOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link CriRuntime#streaming()} on the tests' containerd ({@link CriTestRuntime}): the URLs it answers are opened with
 * a WebSocket client speaking the Kubernetes channel protocols ({@link ChannelWebSocket}) and with a SPDY/3.1 client
 * ({@link SpdyExecClient}), as the API server would through the node API. One pod sandbox with busybox containers.
 * Traffic goes only to containerd's streaming server on 127.0.0.1 and, through it, to the pod this test made.
 */
class CriStreamingIT {
    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final Map<String, String> LABELS = Map.of("spa.test.cri-streaming", RUN);
    static final String V4 = "v4.channel.k8s.io";
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final int STDIN = 0;
    static final int STDOUT = 1;
    static final int STDERR = 2;
    static final int ERROR = 3;
    private static CriRuntime cri;
    private static StreamingUrls streaming;
    private static SandboxConfig pod;
    private static String sandbox;
    private static String shell;
    private static String ticker;

    @BeforeAll
    static void aPodWithAShellAWebServerAndATicker() {
        CriTestRuntime.require();
        cri = CriTestRuntime.connect();
        streaming = cri.streaming().orElseThrow();
        pod = new SandboxConfig(new SandboxMetadata("spa-stream-" + RUN, "spa-test", "uid-" + RUN, 0),
                "streams", null, DnsConfig.NODE, List.of(), LABELS, Map.of(), NamespaceOptions.POD, Map.of(), false);
        sandbox = cri.sandboxes().run(pod);
        shell = start("shell", "mkdir -p /www && echo 'served in the pod' > /www/index.html"
                + " && exec httpd -f -p 8080 -h /www");
        ticker = start("ticker", "i=0; while true; do echo tick $i; echo tock $i >&2; i=$((i+1)); sleep 0.2; done");
    }

    @AfterAll
    static void removeThePod() {
        if (cri != null) {
            cri.sandboxes().list(LABELS).forEach(s -> {
                cri.sandboxes().stop(s.id());
                cri.sandboxes().remove(s.id());
            });
            cri.close();
        }
    }

    private static String start(String name, String script) {
        ContainerConfig config = ContainerConfig.builder(name, 0, ItEnvironment.BUSYBOX)
                .command(List.of("sh", "-c", script)).labels(LABELS).build();
        String id = cri.containers().create(sandbox, config, pod);
        cri.containers().start(id);
        return id;
    }

    @Test
    void theUrlIsOnContainerdsStreamingServerOnLoopbackWithTheRealPort() {
        URI url = streaming.exec(shell, List.of("true"), StreamOptions.OUTPUT);

        assertThat(url.getScheme()).isEqualTo("http");
        assertThat(url.getHost()).as("stream_server_address").isEqualTo("127.0.0.1");
        assertThat(url.getPort()).as("stream_server_port 0: the port containerd chose").isPositive();
        assertThat(url.getPath()).startsWith("/exec/");
    }

    @Test
    void execOverWebSocketRunsTheCommandAndEndsWithASuccessStatus() throws Exception {
        URI url = streaming.exec(shell, List.of("echo", "hello"), StreamOptions.OUTPUT);

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            assertThat(ws.subprotocol()).isEqualTo(V4);
            await().atMost(PATIENCE).until(() -> ws.text(ERROR).contains("status"));
            assertThat(ws.text(STDOUT)).isEqualTo("hello\n");
            assertThat(ws.text(STDERR)).isEmpty();
            assertThat(ws.text(ERROR)).contains("\"status\":\"Success\"");
            assertThat(ws.messages().get(0)).as("the server's first message: empty, on stdout")
                    .satisfies(m -> assertThat(m.channel()).isEqualTo(STDOUT))
                    .satisfies(m -> assertThat(m.payload()).isEmpty());
            assertThat(ws.messages()).noneMatch(m -> m.channel() < 0);
            await().atMost(PATIENCE).until(ws::closedByServer);
        }
    }

    @Test
    void aFailingCommandsExitCodeComesOnTheErrorChannel() throws Exception {
        URI url = streaming.exec(shell, List.of("sh", "-c", "echo oops >&2; exit 3"), StreamOptions.OUTPUT);

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            await().atMost(PATIENCE).until(() -> ws.text(ERROR).contains("status"));
            assertThat(ws.text(STDERR)).isEqualTo("oops\n");
            assertThat(ws.text(ERROR)).contains("\"status\":\"Failure\"").contains("\"reason\":\"NonZeroExitCode\"")
                    .contains("\"reason\":\"ExitCode\"").contains("\"message\":\"3\"");
        }
    }

    @Test
    void execWithStdinGetsWhatTheClientSends() throws Exception {
        URI url = streaming.exec(shell, List.of("cat"), new StreamOptions(true, true, false, false));

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            ws.send(STDIN, "ping 1\n");
            await().atMost(PATIENCE).until(() -> ws.text(STDOUT).equals("ping 1\n"));
            ws.send(STDIN, "ping 2\n");
            await().atMost(PATIENCE).until(() -> ws.text(STDOUT).equals("ping 1\nping 2\n"));
        }
    }

    @Test
    void execWithATerminalRunsTheCommandOnAPseudoTerminal() throws Exception {
        URI url = streaming.exec(shell, List.of("tty"), new StreamOptions(true, true, false, true));

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            await().atMost(PATIENCE).until(() -> ws.text(ERROR).contains("Success"));
            assertThat(ws.text(STDOUT)).as("a terminal turns \\n into \\r\\n").matches("/dev/pts/\\d+\r\n");
        }
    }

    @Test
    void attachShowsWhatTheContainerWritesFromNowOn() throws Exception {
        URI url = streaming.attach(ticker, StreamOptions.OUTPUT);

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            await().atMost(PATIENCE).until(() -> ws.text(STDOUT).matches("(?s).*tick \\d+\n.*tick \\d+\n.*"));
            await().atMost(PATIENCE).until(() -> ws.text(STDERR).contains("tock "));
            assertThat(ws.text(STDOUT)).doesNotContain("tock");
            assertThat(ws.closedByServer()).as("attach lasts until the client leaves").isFalse();
        }
    }

    @Test
    void portForwardReachesAPortThePodServesOnItsOwnLoopback() throws Exception {
        URI url = streaming.portForward(sandbox, List.of(8080));

        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            byte[] port = {(byte) 0x90, 0x1f};   // 8080, little-endian
            await().atMost(PATIENCE).until(() -> ws.messages().size() >= 2);
            assertThat(ws.messages().subList(0, 2)).as("data and error channel, each first with the port")
                    .anySatisfy(m -> {
                        assertThat(m.channel()).isZero();
                        assertThat(m.payload()).containsExactly(port);
                    })
                    .anySatisfy(m -> {
                        assertThat(m.channel()).isOne();
                        assertThat(m.payload()).containsExactly(port);
                    });

            ws.send(0, "GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n");
            await().atMost(PATIENCE).until(() -> ws.text(0).contains("served in the pod"));
            String answer = new String(ws.bytes(0), 2, ws.bytes(0).length - 2, StandardCharsets.UTF_8);
            assertThat(answer).as("after the port: busybox httpd's answer, as it wrote it")
                    .startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nserved in the pod\n");
            assertThat(ws.bytes(1)).as("the error channel: the port only").containsExactly(port);
            await("the pod's server closed its connection, so the stream ends").atMost(PATIENCE)
                    .until(ws::closedByServer);
        }
    }

    @Test
    void aUrlServesOneConnectionOnly() throws Exception {
        URI url = streaming.exec(shell, List.of("true"), StreamOptions.OUTPUT);
        try (ChannelWebSocket ws = ChannelWebSocket.open(url, V4)) {
            await().atMost(PATIENCE).until(() -> ws.text(ERROR).contains("Success"));
        }

        assertThatThrownBy(() -> ChannelWebSocket.open(url, V4)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                        .isEqualTo(404));
    }

    @Test
    void execOverSpdyRunsTheCommandAsTheApiServerWouldAskIt() throws Exception {
        URI url = streaming.exec(shell, List.of("sh", "-c", "echo over spdy; echo and stderr >&2"),
                StreamOptions.OUTPUT);

        SpdyExecClient.Result result = SpdyExecClient.run(url, V4, null, PATIENCE);

        assertThat(result.protocol()).isEqualTo(V4);
        assertThat(result.stdout()).isEqualTo("over spdy\n");
        assertThat(result.stderr()).isEqualTo("and stderr\n");
        assertThat(result.error()).contains("\"status\":\"Success\"");
    }

    @Test
    void execOverSpdyWithStdinEndsWhenTheClientClosesStdin() throws Exception {
        URI url = streaming.exec(shell, List.of("cat"), new StreamOptions(true, true, true, false));

        SpdyExecClient.Result result = SpdyExecClient.run(url, V4, "through stdin\n", PATIENCE);

        assertThat(result.stdout()).isEqualTo("through stdin\n");
        assertThat(result.error()).contains("\"status\":\"Success\"");
    }

    @Test
    void streamsIntoWhatIsNotRunningAreNotFound() {
        String exited = start("done", "true");
        await().atMost(PATIENCE).until(() -> cri.containers().status(exited).orElseThrow().exited());

        assertThatThrownBy(() -> streaming.exec(exited, List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> streaming.attach(exited, StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> streaming.exec("0123456789abcdef" + RUN, List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> streaming.portForward("0123456789abcdef" + RUN, List.of(80)))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void portForwardIntoAStoppedSandboxIsNotFound() {
        SandboxConfig other = new SandboxConfig(new SandboxMetadata("spa-stream-stopped-" + RUN, "spa-test",
                "uid-stopped-" + RUN, 0), "stopped", null, DnsConfig.NODE, List.of(), LABELS, Map.of(),
                NamespaceOptions.POD, Map.of(), false);
        String stopped = cri.sandboxes().run(other);
        cri.sandboxes().stop(stopped);

        assertThatThrownBy(() -> streaming.portForward(stopped, List.of(8080)))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("the sandbox is not ready");
    }
}
