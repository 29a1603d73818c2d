package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kubectl exec}, {@code kubectl port-forward} and {@code kubectl logs} of a static pod's mirror on a CRI runtime
 * (the tests' containerd with its CRI plugin and CNI), through the real kube-apiserver (Node,RBAC, NodeRestriction)
 * and the agent's node API, which hands the API server's upgraded connection over to containerd's streaming server.
 */
@ExtendWith(ApiServerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeApiCriIT {
    private final ApiServerFixture api;
    private final KubernetesClient admin;
    private final String node = "nodecri-" + UUID.randomUUID().toString().substring(0, 8);
    private final String ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private AgentProcess agent;
    private Path tmp;

    NodeApiCriIT(ApiServerFixture api) {
        this.api = api;
        this.admin = api.adminClient();
    }

    @BeforeAll
    void startAgent() throws Exception {
        CriTestRuntime.require();
        tmp = Files.createTempDirectory("spa-nodeapi-cri-it-");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("web.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: app
                    image: %s
                    command: ["sh", "-c", "mkdir -p /www && echo hello from the pod > /www/index.html && echo serving\
                 && exec httpd -f -p 8080 -h /www"]
                """.formatted(ns, ItEnvironment.BUSYBOX));
        Path root = Files.createDirectories(tmp.resolve("root"));
        agent = AgentProcess.start(manifests, node, root, "--runtime", "cri", "--container-runtime-endpoint",
                "unix://" + CriTestRuntime.ADDRESS, "--kubeconfig", api.nodeKubeconfig(node).toString(),
                "--healthz-port", "0", "--port", Integer.toString(freePort()), "--address", "127.0.0.1",
                "--node-ip", "127.0.0.1", "--client-ca-file", api.caFile().toString());
        agent.awaitLog(Duration.ofSeconds(90), "Serving the node API");
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            var pod = admin.pods().inNamespace(ns).withName("web-" + node).get();
            return pod != null && "Running".equals(pod.getStatus().getPhase());
        });
    }

    @AfterAll
    void stopAgent() throws Exception {
        if (agent == null) {
            return; // skipped or failed before the agent started: nothing of this test's to remove
        }
        agent.close();
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
        Kubectl ok = kubectl(null, "exec", "-n", ns, "web-" + node, "--", "sh", "-c", "echo out; echo err >&2");
        Kubectl failing = kubectl(null, "exec", "-n", ns, "web-" + node, "-c", "app", "--", "sh", "-c", "exit 3");

        assertThat(ok.code).as(ok.output).isZero();
        assertThat(ok.output).contains("out\n").contains("err\n");
        assertThat(failing.code).as(failing.output).isEqualTo(3);
        assertThat(failing.output).contains("command terminated with exit code 3");
    }

    @Test
    void kubectlExecPassesStdinToTheCommand() throws Exception {
        Kubectl cat = kubectl("first line\nsecond line\n", "exec", "-i", "-n", ns, "web-" + node, "--", "sh", "-c",
                "cat; echo done");

        assertThat(cat.code).as(cat.output).isZero();
        assertThat(cat.output).isEqualTo("first line\nsecond line\ndone\n");
    }

    @Test
    void kubectlPortForwardReachesAPortInsideThePod() throws Exception {
        int local = freePort();
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
        Kubectl logs = kubectl(null, "logs", "-n", ns, "web-" + node, "--tail", "1");

        assertThat(logs.code).as(logs.output).isZero();
        assertThat(logs.output).isEqualTo("serving\n");
    }

    @Test
    void kubectlLogsWithTimestampsPrefixesEachLineWithItsTime() throws Exception {
        Kubectl logs = kubectl(null, "logs", "--timestamps", "-n", ns, "web-" + node, "--tail", "1");

        assertThat(logs.code).as(logs.output).isZero();
        // RFC 3339 with nine fraction digits, as the kubelet prints the CRI log's time
        assertThat(logs.output).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z serving\n");
    }

    @Test
    void kubectlExecWithATerminalRunsTheCommandOnAPseudoTerminalOfThePod() throws Exception {
        // kubectl exec -it wants a terminal of its own: script(1) gives it one
        String exec = String.join(" ", ApiServerFixture.kubectl(), "--kubeconfig", api.adminKubeconfig().toString(),
                "--request-timeout=30s", "exec", "-it", "-n", ns, "web-" + node, "--", "sh", "-c",
                "'tty; [ -t 0 ] && echo stdin-is-a-terminal'");
        Process p = new ProcessBuilder("script", "-qec", exec, "/dev/null").redirectErrorStream(true).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl exec -it did not end within 60 s");
        }
        String output = out.get(10, TimeUnit.SECONDS);

        assertThat(p.exitValue()).as(output).isZero();
        // a terminal ends its lines with CR LF
        assertThat(output).containsPattern("/dev/pts/\\d+\r\n").contains("stdin-is-a-terminal\r\n");
    }

    // --- helpers

    private record Kubectl(int code, String output) {
    }

    /** kubectl as the cluster's admin, with {@code stdin} (or nothing) as its input; at most a minute. */
    private Kubectl kubectl(String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString(), "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + args[0] + " did not end within 60 s");
        }
        return new Kubectl(p.exitValue(), out.get(10, TimeUnit.SECONDS));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
