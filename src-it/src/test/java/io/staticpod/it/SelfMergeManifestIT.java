package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15: a ten-line manifest whose labels merge themselves ({@code labels: &lbl {<<: *lbl}}) sent the YAML library
 * into an endless loop. {@code validate} never returned, and in a running agent the scan of the manifest directory
 * stopped for good: later files were never read, and no line named the file. Now it is an invalid manifest like any
 * other, and nothing else about the agent changes. One agent on real Docker, re-listing every 2 s.
 */
class SelfMergeManifestIT extends DockerAgentTestBase {
    /** The manifest of the issue, as it was reported. */
    static final String SELF_MERGE = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: selfmerge
              labels: &lbl
                <<: *lbl
            spec:
              containers:
              - name: a
                image: busybox:latest
            """;

    private ScheduledExecutorService sampler;

    @Override
    String nodePrefix() {
        return "selfmerge";
    }

    @AfterEach
    void stopSampling() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    @Test
    void validateReportsTheFileLineAndAnchorAndReturns() throws Exception {
        Path file = Files.writeString(tmp.resolve("selfmerge.yaml"), SELF_MERGE);

        JarCommand validate = JarCommand.run("validate", "--hostname-override", node, file.toString());

        assertThat(validate.exitCode()).isEqualTo(1);
        assertThat(validate.stdout()).contains(file + ":6: metadata.labels: alias *lbl refers to the mapping that"
                + " contains it (a cycle)");
        assertThat(validate.stdout()).contains("1 file checked for node " + node + ": 0 valid, 1 invalid, 1 error");
    }

    @Test
    void aRunningAgentGivenTheFileNamesItReadsTheNextFileAndAppliesEditsAndStaysHealthy() throws Exception {
        int port = OperateAgentIT.freePort();
        Scrape scrape = new Scrape(port);
        startAgent("--healthz-port", Integer.toString(port));
        write("first.yaml", ManifestDirectoryFaultsIT.pod("first", "1"));
        awaitVersion("first", "1");
        List<String> unhealthy = watchHealth(scrape);

        write("selfmerge.yaml", SELF_MERGE);
        agent.awaitLog(Duration.ofSeconds(30), manifests.resolve("selfmerge.yaml") + ":6: metadata.labels: alias"
                + " *lbl refers to the mapping that contains it (a cycle)");
        write("second.yaml", ManifestDirectoryFaultsIT.pod("second", "1"));
        awaitVersion("second", "1");
        write("first.yaml", ManifestDirectoryFaultsIT.pod("first", "2"));
        awaitVersion("first", "2");

        HttpResponse<String> health = scrape.get("/healthz?verbose");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("[+]source ok", "[+]reconcile ok");
        assertThat(unhealthy).as("/healthz answers that were not ok").isEmpty();
        assertThat(docker.all(node)).noneMatch(c -> ("selfmerge-" + node).equals(c.label("io.kubernetes.pod.name")));
    }

    /** Writes a manifest atomically, as deploy tools do. */
    private void write(String name, String content) throws IOException {
        Path t = manifests.resolve("." + name + ".tmp");
        Files.writeString(t, content);
        Files.move(t, manifests.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitVersion(String pod, String version) {
        await().atMost(Duration.ofSeconds(30)).alias(pod + " runs VERSION=" + version).until(() -> {
            List<Seen> running = docker.running(node, pod + "-" + node, "app");
            if (running.size() != 1) {
                return false;
            }
            List<String> env = docker.env(running.get(0).id());
            return env != null && env.contains("VERSION=" + version);
        });
    }

    /** Asks {@code /healthz} five times a second from now on; each answer that is not ok is kept. */
    private List<String> watchHealth(Scrape scrape) {
        List<String> unhealthy = new CopyOnWriteArrayList<>();
        sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> {
            try {
                HttpResponse<String> r = scrape.get("/healthz?verbose");
                if (r.statusCode() != 200) {
                    unhealthy.add(r.statusCode() + " " + r.body());
                }
            } catch (IOException | RuntimeException e) {
                unhealthy.add(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        return unhealthy;
    }
}
