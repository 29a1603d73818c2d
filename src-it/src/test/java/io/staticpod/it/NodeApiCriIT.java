package io.staticpod.it;

import io.staticpod.it.apiserver.ApiServerExtension;
import io.staticpod.it.apiserver.ApiServerFixture;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.spi.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kubectl exec}, {@code kubectl port-forward} and {@code kubectl logs} of a static pod's mirror on a CRI runtime
 * (the tests' containerd with its CRI plugin and CNI), through the real kube-apiserver (Node,RBAC, NodeRestriction)
 * and the agent's node API, which hands the API server's upgraded connection over to containerd's streaming server.
 */
@ExtendWith(ApiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeApiCriIT {
    private final NodeApiFixture fixture;
    private final ApiServerFixture api;
    private final String node;
    private final String ns;

    NodeApiCriIT(ApiServerFixture api) {
        this.fixture = new NodeApiFixture(api, "nodecri");
        this.api = api;
        this.node = fixture.node;
        this.ns = fixture.ns;
    }

    @BeforeAll
    void startAgent() throws Exception {
        CriTestRuntime.require();
        fixture.start(Map.of("web.yaml", fixture.pod("web", "mkdir -p /www && echo hello from the pod"
                + " > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www")), "--runtime", "cri",
                "--container-runtime-endpoint", "unix://" + CriTestRuntime.ADDRESS);
    }

    @AfterAll
    void stopAgent() throws Exception {
        if (!fixture.started()) {
            return; // skipped or failed before the agent started: nothing of this test's to remove
        }
        fixture.close();
        try (CriRuntime cri = CriTestRuntime.connect()) {
            for (Sandbox s : cri.sandboxes().list(Map.of(WellKnown.OWNER, node))) {
                cri.sandboxes().stop(s.id());
                cri.sandboxes().remove(s.id());
            }
        }
        // the agent's CRI pods log under the kubelet's /var/log/pods: only this test's namespace is removed
        try (var dirs = Files.list(Path.of("/var/log/pods"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().startsWith(ns + "_")).toList()) {
                try (var all = Files.walk(dir)) {
                    all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        } catch (IOException ignored) {
            // nothing was written there
        }
    }

    @Test
    void kubectlExecRunsACommandWithItsOutputAndExitCode() throws Exception {
        Cmd ok = kubectl(null, "exec", "-n", ns, "web-" + node, "--", "sh", "-c", "echo out; echo err >&2");
        Cmd failing = kubectl(null, "exec", "-n", ns, "web-" + node, "-c", "app", "--", "sh", "-c", "exit 3");

        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("out\n").contains("err\n");
        assertThat(failing.exit()).as(failing.output()).isEqualTo(3);
        assertThat(failing.output()).contains("command terminated with exit code 3");
    }

    @Test
    void kubectlExecPassesStdinToTheCommand() throws Exception {
        Cmd cat = kubectl("first line\nsecond line\n", "exec", "-i", "-n", ns, "web-" + node, "--", "sh", "-c",
                "cat; echo done");

        assertThat(cat.exit()).as(cat.output()).isZero();
        assertThat(cat.output()).isEqualTo("first line\nsecond line\ndone\n");
    }

    @Test
    void kubectlPortForwardReachesAPortInsideThePod() throws Exception {
        int local = NodeApiFixture.freePort();
        Process forward = new ProcessBuilder(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString(), "port-forward", "-n", ns, "web-" + node, local + ":8080")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(forward.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(first).startsWith("Forwarding from 127.0.0.1:" + local);

            HttpResponse<String> page = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + local + "/index.html"))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("hello from the pod\n");
        } finally {
            forward.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlLogsReadsTheContainersLogOnCri() throws Exception {
        Cmd logs = kubectl(null, "logs", "-n", ns, "web-" + node, "--tail", "1");

        assertThat(logs.exit()).as(logs.output()).isZero();
        assertThat(logs.output()).isEqualTo("serving\n");
    }

    @Test
    void kubectlLogsWithTimestampsPrefixesEachLineWithItsTime() throws Exception {
        Cmd logs = kubectl(null, "logs", "--timestamps", "-n", ns, "web-" + node, "--tail", "1");

        assertThat(logs.exit()).as(logs.output()).isZero();
        // RFC 3339 with nine fraction digits, as the kubelet prints the CRI log's time
        assertThat(logs.output()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z serving\n");
    }

    @Test
    void kubectlExecWithATerminalRunsTheCommandOnAPseudoTerminalOfThePod() throws Exception {
        // kubectl exec -it wants a terminal of its own: script(1) gives it one
        String exec = String.join(" ", ApiServerFixture.kubectl(), "--kubeconfig", api.adminKubeconfig().toString(),
                "--request-timeout=30s", "exec", "-it", "-n", ns, "web-" + node, "--", "sh", "-c",
                "'tty; [ -t 0 ] && echo stdin-is-a-terminal'");
        Cmd script = Cmd.run(Duration.ofSeconds(60), List.of("script", "-qec", exec, "/dev/null"));

        assertThat(script.exit()).as(script.output()).isZero();
        // a terminal ends its lines with CR LF
        assertThat(script.output()).containsPattern("/dev/pts/\\d+\r\n").contains("stdin-is-a-terminal\r\n");
    }

    // --- helpers

    private Cmd kubectl(String stdin, String... args) {
        return fixture.kubectlWithInput(stdin, args);
    }
}
