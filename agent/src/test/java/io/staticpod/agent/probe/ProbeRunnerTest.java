package io.staticpod.agent.probe;

import com.sun.net.httpserver.HttpServer;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Probe;
import io.staticpod.runtime.spi.ExecSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class ProbeRunnerTest {
    private HttpServer server;
    private final AtomicReference<String> userAgent = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private int serve(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            userAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
            byte[] body = ("status " + status).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    private static Probe probe(Probe.Action action) {
        return new Probe(action, 0, 10, 5, 1, 3); // a loaded machine needs more than 1 s
    }

    @Test
    void httpGetSucceedsFrom200To399AndSaysWhyOtherwise() throws IOException {
        int port = serve(200);
        ProbeRunner runner = new ProbeRunner(null, "ctr");

        ProbeRunner.Outcome ok = runner.run(probe(new Probe.HttpGet("HTTP", null, "http", "/healthz", List.of())),
                "c1", "127.0.0.1", List.of(new ContainerPort("http", port, 0, null, "TCP")));

        assertThat(ok.success()).isTrue();
        assertThat(userAgent.get()).isEqualTo("kube-probe/1.20");
        stop();
        int failing = serve(503);
        ProbeRunner.Outcome bad = runner.run(probe(new Probe.HttpGet("HTTP", "127.0.0.1", "" + failing, "/", List.of())),
                "c1", null, List.of());
        assertThat(bad.success()).isFalse();
        assertThat(bad.message()).contains("statuscode: 503");
    }

    @Test
    void tcpSocketSucceedsWhenAConnectionOpens() throws IOException {
        ProbeRunner runner = new ProbeRunner(null, "ctr");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(runner.run(probe(new Probe.TcpSocket(null, "" + s.getLocalPort())), "c1", "127.0.0.1",
                    List.of()).success()).isTrue();
            closedPort = s.getLocalPort();
        }
        ProbeRunner.Outcome closed = runner.run(probe(new Probe.TcpSocket(null, "" + closedPort)), "c1",
                "127.0.0.1", List.of());
        assertThat(closed.success()).isFalse();
        assertThat(closed.message()).startsWith("dial tcp 127.0.0.1:" + closedPort);
    }

    @Test
    void execSucceedsOnExitCodeZeroAndFailsOnTimeouts() {
        ProbeRunner runner = new ProbeRunner((ExecSync) (id, command, timeout) -> switch (command.get(0)) {
            case "ok" -> new ExecSync.ExecResult(0, "", false);
            case "slow" -> new ExecSync.ExecResult(-1, "", true);
            default -> new ExecSync.ExecResult(2, "no such file", false);
        }, "fake");

        assertThat(runner.run(probe(new Probe.Exec(List.of("ok"))), "c1", null, List.of()).success()).isTrue();
        assertThat(runner.run(probe(new Probe.Exec(List.of("slow"))), "c1", null, List.of()).message())
                .contains("timed out");
        assertThat(runner.run(probe(new Probe.Exec(List.of("cat"))), "c1", null, List.of()).message())
                .isEqualTo("command [cat] exited with 2: no such file");
    }

    @Test
    void anExecProbeOnARuntimeWithoutExecFailsNamingTheRuntime() {
        ProbeRunner.Outcome outcome = new ProbeRunner(null, "ctr").run(probe(new Probe.Exec(List.of("true"))), "c1",
                null, List.of());

        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("the ctr runtime cannot run exec probes");
    }

    @Test
    void aProbeWithoutAnAddressFailsSayingSo() {
        assertThat(new ProbeRunner(null, "ctr").run(probe(new Probe.TcpSocket(null, "80")), "c1", null, List.of()).message())
                .contains("no address");
    }
}
