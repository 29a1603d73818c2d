package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's behaviour beyond the smoke set, on the runtime adapters every behaviour test runs on: Docker's API
 * ({@link AgentDockerIT}) and CRI ({@link AgentCriIT}).
 */
abstract class AgentBehaviourTests extends AgentSmokeTests {
    @Test
    void containersOfAPodShareTheSandboxNetwork() throws Exception {
        startAgent();
        String example = Files.readString(ItEnvironment.EXAMPLES.resolve("two-containers.yaml"))
                .replaceAll("image: busybox:[^\\s]+", "image: " + ItEnvironment.BUSYBOX);
        write("two-containers.yaml", example);

        Seen fetcher = awaitRunning("web-pair", "fetcher");

        await().atMost(Duration.ofSeconds(20)).until(() -> logs(fetcher.id()).contains("hello from web"));
    }

    @Test
    void anEditedManifestReplacesThePodStoppingTheOldOneFirst() throws Exception {
        startAgent();
        write("edit.yaml", pod("edit", SLEEPER));
        Seen before = awaitRunning("edit", "app");

        write("edit.yaml", pod("edit", "echo v2; " + SLEEPER));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<Seen> now = docker.running(node, "edit-" + node, "app");
            return now.size() == 1 && !now.get(0).id().equals(before.id());
        });
        Seen after = docker.running(node, "edit-" + node, "app").get(0);
        assertThat(after.labels().get("io.kubernetes.pod.uid"))
                .isNotEqualTo(before.labels().get("io.kubernetes.pod.uid"));
        assertThat(docker.all(node)).extracting(c -> c.labels().get("io.kubernetes.pod.uid"))
                .containsOnly(after.labels().get("io.kubernetes.pod.uid"));
        List<String> log = agent.lines();
        int stopped = indexOf(log, "Stopped static pod containers");
        int started = lastIndexOf(log, "Started container of static pod");
        assertThat(stopped).as("old pod stopped before the new one started").isBetween(0, started);
    }

    @Test
    void aCommentOnlyEditChangesNothing() throws Exception {
        startAgent();
        write("same.yaml", pod("same", SLEEPER));
        Seen before = awaitRunning("same", "app");

        write("same.yaml", "# a comment\n" + pod("same", SLEEPER) + "\n\n");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> docker.all(node).stream().map(Seen::id).collect(Collectors.toSet())
                        .contains(before.id()) && docker.all(node).size() == 2);
    }
    @Test
    void containersOfAManifestRemovedWhileTheAgentWasDownAreRemovedAfterTheFirstScan() throws Exception {
        startAgent();
        write("orphan.yaml", pod("orphan", SLEEPER));
        write("stays.yaml", pod("stays", SLEEPER));
        awaitRunning("orphan", "app");
        Seen stays = awaitRunning("stays", "app");
        agent.kill9();

        Files.delete(manifests.resolve("orphan.yaml"));
        startAgent();

        await().atMost(Duration.ofSeconds(20)).until(() -> docker.all(node).stream()
                .noneMatch(c -> ("orphan-" + node).equals(c.labels().get("io.kubernetes.pod.name"))));
        assertThat(docker.running(node, "stays-" + node, "app")).extracting(Seen::id)
                .containsExactly(stays.id());
    }

    @Test
    void aManifestThatTurnsInvalidKeepsItsLastGoodVersionRunning() throws Exception {
        startAgent();
        write("web.yaml", pod("web", SLEEPER));
        Seen running = awaitRunning("web", "app");

        write("web.yaml", pod("web", SLEEPER).replace("  containers:", "  containers\n  - oops: ["));

        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest; keeping the last good version",
                "web.yaml");
        assertThat(agent.log()).containsPattern("web\\.yaml:\\d+");
        // longer than the re-list period (2 s): the kubelet would have killed it by now
        await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7))
                .until(() -> docker.running(node, "web-" + node, "app").stream()
                        .anyMatch(c -> c.id().equals(running.id())));
    }

    @Test
    void aManifestWithErrorsIsReportedWithFileLineAndFieldAndRunsNothing() throws Exception {
        startAgent();
        write("bad.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bad
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: app
                """);
        write("good.yaml", pod("good", SLEEPER));

        awaitRunning("good", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest", "bad.yaml");
        assertThat(agent.log()).contains("bad.yaml:6: spec.restartPolicy").contains("spec.containers[0].image");
        assertThat(docker.all(node)).noneMatch(c -> c.labels().get("io.kubernetes.pod.name").startsWith("bad-"));
    }

    @Test
    void ofTwoFilesDefiningOnePodTheFirstInSortedOrderWinsAndTheOtherIsNamed() throws Exception {
        startAgent();
        write("a.yaml", pod("dup", "echo from-a; " + SLEEPER));
        write("b.yaml", pod("dup", "echo from-b; " + SLEEPER));

        Seen app = awaitRunning("dup", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Duplicate static pod name", "b.yaml");
        await().atMost(Duration.ofSeconds(10)).until(() -> logs(app.id()).contains("from-a"));
        assertThat(app.labels()).containsEntry("io.staticpod.agent.file", manifests.resolve("a.yaml").toString());
    }

    @Test
    void dotfilesAndEditorLeftoversAreIgnored() throws Exception {
        startAgent();
        write("real.yaml", pod("real", SLEEPER));
        for (String name : List.of(".hidden.yaml", "real.yaml~", "real.yaml.swp", "4913", "real.yaml.bak",
                "real.yaml.dpkg-old")) {
            Files.writeString(manifests.resolve(name), pod("leftover" + Math.abs(name.hashCode() % 1000), SLEEPER));
        }

        awaitRunning("real", "app");
        agent.awaitLog(Duration.ofSeconds(10), "Skipping editor or package-manager leftover", "real.yaml~");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> docker.all(node).size() == 2);
        assertThat(agent.log()).doesNotContain(".hidden.yaml");
    }

    @Test
    void twentyManifestsDroppedAtOnceAllRun() throws Exception {
        startAgent();
        for (int i = 0; i < 20; i++) {
            write("p" + i + ".yaml", pod("p" + i, SLEEPER));
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> docker.running(node).size() == 40);
        assertThat(docker.all(node)).hasSize(40);
    }

    @Test
    void stoppingTheAgentLeavesItsPodsRunning() throws Exception {
        startAgent();
        write("stay.yaml", pod("stay", SLEEPER));
        awaitRunning("stay", "app");
        Set<String> before = ids();

        agent.stop();

        assertThat(agent.log()).contains("Stopping static-pod-agent; static pods keep running");
        assertThat(docker.running(node).stream().map(Seen::id).collect(Collectors.toSet())).isEqualTo(before);
    }


    private String logs(String id) {
        return docker.logs(id);
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
