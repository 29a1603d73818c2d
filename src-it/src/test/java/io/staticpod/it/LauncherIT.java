package io.staticpod.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged launcher ({@code packaging/deb/static-pod-agent.sh}) started three times in a row on Docker with one
 * pod, as systemd restarts it: the first start records the classes the agent loads, the second builds the class-data
 * archive from that list in the background (leaving the agent's JVM no child process), the third maps the archive;
 * an archive the JVM cannot use is ignored and the agent runs as usual.
 */
class LauncherIT {
    static final Path LAUNCHER = DebianPackageIT.REPO.resolve("packaging/deb/static-pod-agent.sh");

    private final DockerObserver docker = new DockerObserver();
    private final String node = "launch-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    private Path cds;
    private Path manifests;
    private Process agent;

    @BeforeEach
    void setUp() throws IOException {
        ItEnvironment.requireDocker();
        cds = tmp.resolve("cds");
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        Files.writeString(manifests.resolve("app.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: app}
                spec:
                  containers: [{name: app, image: %s, command: [sleep, "3600"]}]
                """.formatted(ItEnvironment.BUSYBOX));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        stop();
        docker.removeAll(node);
    }

    @Test
    void theSecondStartBuildsAClassDataArchiveFromWhatTheFirstLoadedAndTheThirdMapsIt() throws Exception {
        start();
        assertThat(files(".*\\.jsa")).as("nothing to map on the first start").isEmpty();
        assertThat(maps()).doesNotContain(cds.toString());
        List<Path> lists = files("agent-[0-9]+\\.[0-9]+\\.classlist");
        assertThat(lists).as("the first start records its classes under its own pid").hasSize(1);
        assertThat(lists.get(0).getFileName().toString()).contains("." + agent.pid() + ".");
        stop();
        assertThat(Files.readAllLines(lists.get(0))).hasSizeGreaterThan(4000)
                .contains("io/staticpod/agent/StaticPodAgent", "io/staticpod/runtime/docker/api/DockerApiRuntime");

        start();
        await().atMost(Duration.ofSeconds(120)).alias("the archive is built in the background")
                .until(() -> files("agent-[0-9]+\\.jsa").size() == 1);
        assertThat(files(".*\\.failed")).isEmpty();
        assertThat(files("agent-[0-9]+\\.[0-9]+\\.classlist")).as("the recorded list is used up").isEmpty();
        assertThat(agent.toHandle().children()).as("no child is left for the agent's JVM").isEmpty();
        assertThat(maps()).as("this start began before the archive was there").doesNotContain(cds.toString());
        stop();

        start();
        Path archive = files("agent-[0-9]+\\.jsa").get(0);
        assertThat(maps()).as("the third start maps the archive").contains(archive.toString());
        assertThat(files("agent-[0-9]+\\.[0-9]+\\.classlist")).as("nothing more is recorded").isEmpty();
        stop();

        // an archive that does not fit this jar and runtime (here: garbage) is ignored, not fatal
        Files.delete(archive);
        Files.writeString(archive, "not an archive".repeat(1000));
        start();
        assertThat(maps()).doesNotContain(cds.toString());
    }

    /** The launcher as the unit runs it, in the foreground; returns once the pod runs and /healthz is ok. */
    private void start() throws Exception {
        int port = OperateAgentIT.freePort();
        ProcessBuilder pb = new ProcessBuilder("sh", LAUNCHER.toString(), "--pod-manifest-path=" + manifests,
                "--hostname-override=" + node, "--root-dir=" + tmp.resolve("state"), "--healthz-port=" + port,
                "--address=127.0.0.1", "--port=" + OperateAgentIT.freePort(),
                "--pod-infra-container-image=" + ItEnvironment.PAUSE)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
                        tmp.resolve("agent.log").toFile()));
        pb.environment().put("STATIC_POD_AGENT_JAR", ItEnvironment.AGENT_JAR.toAbsolutePath().toString());
        pb.environment().put("STATIC_POD_AGENT_CDS_DIR", cds.toString());
        agent = pb.start();
        Scrape scrape = new Scrape(port);
        await().atMost(Duration.ofSeconds(60)).alias("/healthz ok").ignoreExceptions()
                .until(() -> scrape.get("/healthz").body().equals("ok"));
        await().atMost(Duration.ofSeconds(30)).alias("the pod runs").until(() -> scrape.sum(
                "static_pod_agent_static_pods", java.util.Map.of("phase", "Running")) == 1.0);
    }

    private void stop() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.toHandle().destroy();
            if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private String maps() throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(agent.pid()), "maps"), StandardCharsets.UTF_8);
    }

    /** The files in the archive directory whose names match {@code regex}. */
    private List<Path> files(String regex) throws IOException {
        if (!Files.isDirectory(cds)) {
            return List.of();
        }
        var matcher = cds.getFileSystem().getPathMatcher("regex:" + regex);
        try (Stream<Path> s = Files.list(cds)) {
            return s.filter(p -> matcher.matches(p.getFileName())).sorted().toList();
        }
    }
}
