package io.staticpod.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.staticpod.it.AgentDockerIT.SLEEPER;
import static io.staticpod.it.AgentDockerIT.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent operated as a service: its health and metrics endpoints while pods churn, the {@code status} and
 * {@code validate} commands of its jar, and a config reload on SIGHUP.
 */
class OperateAgentIT {
    private final DockerObserver docker = new DockerObserver();
    private final String node = "op-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    Path root;
    int port;
    Scrape scrape;
    AgentProcess agent;

    @BeforeEach
    void setUp() throws IOException {
        ItEnvironment.requireDocker();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        root = Files.createDirectories(tmp.resolve("root"));
        port = freePort();
        scrape = new Scrape(port);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        docker.removeAll(node);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    void write(String file, String content) throws IOException {
        Path tmpFile = manifests.resolve("." + file + ".tmp");
        Files.writeString(tmpFile, content, StandardCharsets.UTF_8);
        Files.move(tmpFile, manifests.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    void startAgent(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--healthz-port", Integer.toString(port)));
        args.addAll(List.of(extra));
        agent = AgentProcess.start(manifests, node, root, args.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(30)).alias("/healthz answers ok").ignoreExceptions()
                .until(() -> scrape.get("/healthz").body().equals("ok"));
    }

    Seen awaitRunning(String pod, String container) {
        String podName = pod + "-" + node;
        await().atMost(Duration.ofSeconds(30)).alias(podName + "/" + container + " running")
                .until(() -> docker.running(node, podName, container).size() == 1);
        return docker.running(node, podName, container).get(0);
    }

    double metric(String name, String... labels) throws Exception {
        Map<String, String> l = new java.util.HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        return scrape.sum(name, l);
    }

    @Test
    void metricsMoveWhilePodsAreDroppedCrashedEditedBrokenAndDeleted() throws Exception {
        startAgent();
        assertThat(scrape.get("/metrics").headers().firstValue("Content-Type").orElse(""))
                .startsWith("text/plain; version=0.0.4");
        assertThat(metric("jvm_memory_used_bytes", "area", "heap")).isPositive();
        double watchBefore = metric("static_pod_agent_manifest_watch_events_total");

        // drop two pods
        write("crash.yaml", pod("crash", SLEEPER));
        write("edit.yaml", pod("edit", SLEEPER));
        Seen crash = awaitRunning("crash", "app");
        Seen edit = awaitRunning("edit", "app");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("static_pod_agent_static_pods", "phase", "Running") == 2.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("static_pod_agent_pod_start_duration_seconds_count") == 2.0);
        assertThat(metric("static_pod_agent_manifest_watch_events_total")).isGreaterThan(watchBefore);

        // crash one: a restart
        docker.kill(crash.id());
        await().atMost(Duration.ofSeconds(15)).until(() -> metric("static_pod_agent_container_restarts_total",
                "pod", "crash-" + node, "container", "app") >= 1.0);

        // edit the other: a new version, started and measured again
        write("edit.yaml", pod("edit", "echo v2; " + SLEEPER));
        await().atMost(Duration.ofSeconds(30)).until(() -> docker.running(node, "edit-" + node, "app").stream()
                .noneMatch(c -> c.id().equals(edit.id())) && docker.running(node, "edit-" + node, "app")
                .size() == 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("static_pod_agent_pod_start_duration_seconds_count") == 3.0);

        // a broken manifest: a parse error, counted once however often it is re-listed
        write("broken.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: broken}\nspec:\n  containers: 3\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("static_pod_agent_manifest_parse_errors_total") == 1.0);

        // delete one
        Files.delete(manifests.resolve("crash.yaml"));
        await().atMost(Duration.ofSeconds(30)).until(() -> docker.running(node, "crash-" + node, "app").isEmpty());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> metric("static_pod_agent_static_pods", "phase", "Running") == 1.0);
        // through one more re-list (every 2 s in these tests) of the unchanged broken file, still counted once
        await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(5))
                .until(() -> metric("static_pod_agent_manifest_parse_errors_total") == 1.0);

        // the runtime was called, timed per operation (named as the kubelet names CRI calls)
        assertThat(metric("static_pod_agent_runtime_operations_duration_seconds_count", "operation",
                "run_podsandbox")).isGreaterThanOrEqualTo(3.0); // 2 pods + the new version's
        assertThat(metric("static_pod_agent_runtime_operations_duration_seconds_count", "operation",
                "start_container")).isGreaterThanOrEqualTo(4.0); // 2 apps + a restart + the new version's
        assertThat(metric("static_pod_agent_runtime_operations_duration_seconds_count", "operation", "snapshot"))
                .isGreaterThan(5.0);
        assertThat(metric("static_pod_agent_runtime_operations_duration_seconds_count", "operation",
                "stop_container")).isGreaterThanOrEqualTo(1.0);
        assertThat(metric("static_pod_agent_mirror_client_calls_duration_seconds_count", "method", "podStatus"))
                .isPositive();
        assertThat(metric("static_pod_agent_manifest_scans_total")).isGreaterThan(3.0);
        String text = scrape.get("/metrics").body();
        assertThat(text).contains("static_pod_agent_pod_start_duration_seconds_bucket{le=\"+Inf\"} 3");
        assertThat(scrape.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void healthzVerboseNamesEachPartAndOtherPathsAreNotFound() throws Exception {
        startAgent();
        assertThat(scrape.get("/healthz?verbose").body()).contains("[+]runtime ok", "[+]source ok",
                "[+]reconcile ok", "healthz check passed");
        assertThat(scrape.get("/nope").statusCode()).isEqualTo(404);
    }

    @Test
    void statusListsTheTwoPodsTheAgentRunsAsATableAndAsJson() throws Exception {
        startAgent();
        write("alpha.yaml", pod("alpha", SLEEPER));
        write("beta.yaml", pod("beta", SLEEPER));
        write("gamma.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: gamma}\nspec: {}\n");
        awaitRunning("alpha", "app");
        awaitRunning("beta", "app");

        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
            JarCommand status = JarCommand.run("status", "--address", "127.0.0.1:" + port);
            assertThat(status.exitCode()).isZero();
            List<String> lines = status.stdout().lines().toList();
            assertThat(lines.get(0)).matches("NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE +FILE +ERROR");
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("default +alpha-" + node
                    + " +1/1 +Running +0 +\\d+s +" + manifests.resolve("alpha.yaml")));
            assertThat(lines).anySatisfy(l -> assertThat(l).matches("default +beta-" + node
                    + " +1/1 +Running +0 +\\d+s +" + manifests.resolve("beta.yaml")));
            assertThat(lines).anySatisfy(l -> assertThat(l).contains("InvalidManifest",
                    manifests.resolve("gamma.yaml") + ":4: spec.containers"));
        });

        JarCommand json = JarCommand.run("status", "--json", "--healthz-port", Integer.toString(port));
        assertThat(json.exitCode()).isZero();
        JsonNode board = new ObjectMapper().readTree(json.stdout());
        assertThat(board.get("node").asText()).isEqualTo(node);
        assertThat(board.get("pods")).hasSize(2);
        assertThat(board.get("pods").get(0).get("name").asText()).isEqualTo("alpha-" + node);
        assertThat(board.get("pods").get(0).get("phase").asText()).isEqualTo("Running");
        assertThat(board.get("pods").get(0).get("readyContainers").asInt()).isEqualTo(1);
        assertThat(board.get("pods").get(0).get("file").asText()).isEqualTo(manifests.resolve("alpha.yaml")
                .toString());
        assertThat(board.get("invalidFiles").get(0).get("file").asText()).endsWith("gamma.yaml");

        agent.stop();
        JarCommand down = JarCommand.run("status", "--address", "127.0.0.1:" + port);
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.stderr()).contains("cannot reach the agent");
    }

    @Test
    void validateAcceptsTheExamplesAndRejectsABadFileWithFileAndLine() throws Exception {
        JarCommand good = JarCommand.run("validate", "--hostname-override", node, ItEnvironment.EXAMPLES.toString());
        assertThat(good.exitCode()).isZero();
        assertThat(good.stdout()).contains("3 files checked for node " + node + ": 3 valid, 0 invalid, 0 errors");

        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bad
                spec:
                  restartPolicy: Sometimes
                  serviceAccountName: builder
                  containers:
                  - name: app
                """);
        JarCommand result = JarCommand.run("validate", bad.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains(bad + ":6: spec.restartPolicy: ")
                .contains(bad + ":7: spec.serviceAccountName: static pods may not reference")
                .contains("spec.containers[0].image")
                .contains("1 file checked");

        assertThat(JarCommand.run("validate").exitCode()).isEqualTo(2);
        JarCommand version = JarCommand.run("version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("static-pod-agent ");
    }

    @Test
    void sighupAppliesTheLogLevelAndNamesWhatTakesARestart() throws Exception {
        Path config = tmp.resolve("config.yaml");
        Files.writeString(config, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: %s
                fileCheckFrequency: 20s
                staticPodAgent:
                  logLevel: INFO
                """.formatted(manifests));
        // SIGHUP at its default disposition, whatever the suite was started with (under nohup a child inherits it
        // ignored, and then the JVM never sees it; the agent warns so at start)
        agent = AgentProcess.start(List.of("env", "--default-signal=HUP"), tmp.resolve("ignored"), node, root,
                "--pod-manifest-path=", "--config", config.toString(), "--healthz-port", Integer.toString(port));
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> scrape.get("/healthz").statusCode() == 200);

        Files.writeString(config, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /elsewhere
                fileCheckFrequency: 5s
                staticPodAgent:
                  logLevel: DEBUG
                """);
        new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).start().waitFor();

        // (fileCheckFrequency stays: the tests' --file-check-frequency flag wins over the file)
        agent.awaitLog(Duration.ofSeconds(10), "Config reloaded on SIGHUP", "logLevel=DEBUG");
        agent.awaitLog(Duration.ofSeconds(5), "take a restart", "staticPodPath: " + manifests + " -> /elsewhere");
        assertThat(agent.alive()).isTrue();
        agent.awaitLog(Duration.ofSeconds(10), "DEBUG");
    }
}
