package io.staticpod.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Docker 20.10.24's real JSON (saved under src/test/resources/docker-api) read into the SPI's records. */
class DockerObjectsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SandboxMetadata POD = new SandboxMetadata("web-n1", "default", "uid1", 0);

    static JsonNode resource(String name) throws IOException {
        try (InputStream in = DockerObjectsTest.class.getResourceAsStream("/docker-api/" + name)) {
            return JSON.readTree(in);
        }
    }

    @Test
    void anExitedContainerHasItsCodeReasonTimesNameAttemptAndOnlyTheCallersLabels() throws IOException {
        ContainerStatus s = DockerObjects.containerStatus(resource("inspect-exited-3.json")).orElseThrow();

        assertThat(s.state()).isEqualTo(ContainerState.EXITED);
        assertThat(s.exitCode()).isEqualTo(3);
        assertThat(s.reason()).isEqualTo("Error");
        assertThat(s.message()).isNull();
        assertThat(s.name()).isEqualTo("exit3");
        assertThat(s.attempt()).isEqualTo(2);
        assertThat(s.image()).isEqualTo("static-pod-agent.local/busybox:1.35");
        assertThat(s.imageRef()).startsWith("sha256:");
        assertThat(s.createdAt()).isNotNull();
        assertThat(s.finishedAt()).isAfterOrEqualTo(s.createdAt());
        assertThat(s.labels()).isEqualTo(Map.of("spa.sample", "1"));
        assertThat(s.annotations()).isEqualTo(Map.of("io.kubernetes.container.hash", "ab12"));
    }

    @Test
    void aContainerWhoseStartFailedIsAStartErrorWithTheEnginesWords() throws IOException {
        ContainerStatus s = DockerObjects.containerStatus(resource("inspect-start-error.json")).orElseThrow();

        assertThat(s.state()).isEqualTo(ContainerState.EXITED);
        assertThat(s.reason()).isEqualTo("StartError");
        assertThat(s.exitCode()).isEqualTo(127);
        assertThat(s.message()).contains("/nonexistent: no such file or directory");
        assertThat(s.finishedAt()).isEqualTo(s.createdAt());
        assertThat(s.startedAt()).isNull();
    }

    @Test
    void anOomKilledContainerSaysSo() throws IOException {
        ContainerStatus s = DockerObjects.containerStatus(resource("inspect-oom-killed.json")).orElseThrow();

        assertThat(s.reason()).isEqualTo("OOMKilled");
        assertThat(s.exitCode()).isEqualTo(137);
    }

    @Test
    void aRunningContainerHasNoExitFields() throws IOException {
        ContainerStatus s = DockerObjects.containerStatus(resource("inspect-running.json")).orElseThrow();

        assertThat(s.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(s.finishedAt()).isNull();
        assertThat(s.reason()).isNull();
        assertThat(s.exitCode()).isZero();
        assertThat(s.attempt()).isEqualTo(1);
    }

    @Test
    void aSandboxIsItsPauseContainerWithMetadataFromItsNameAndAnAddressAndNetworkNamespaceWhileItRuns()
            throws IOException {
        SandboxStatus running = DockerObjects.sandboxStatus(resource("inspect-sandbox-running.json")).orElseThrow();
        SandboxStatus stopped = DockerObjects.sandboxStatus(resource("inspect-sandbox-stopped.json")).orElseThrow();

        assertThat(running.sandbox().metadata()).isEqualTo(POD);
        assertThat(running.sandbox().state()).isEqualTo(SandboxState.READY);
        assertThat(running.ip()).matches("[0-9.]+");
        assertThat(running.network()).isEqualTo(NamespaceMode.POD);
        assertThat(running.netns()).isEqualTo("/proc/24016/ns/net");
        assertThat(running.sandbox().labels()).isEqualTo(Map.of("app", "web", "spa.sample", "1"));
        assertThat(running.sandbox().annotations()).isEqualTo(Map.of("note", "x"));
        assertThat(stopped.sandbox().state()).isEqualTo(SandboxState.NOT_READY);
        assertThat(stopped.ip()).isNull();
        assertThat(stopped.netns()).isNull();
    }

    @Test
    void aSandboxIsNotAContainerAndAContainerIsNotASandbox() throws IOException {
        assertThat(DockerObjects.containerStatus(resource("inspect-sandbox-running.json"))).isEmpty();
        assertThat(DockerObjects.sandboxStatus(resource("inspect-running.json"))).isEmpty();
    }

    @Test
    void summariesFromTheListEqualThoseFromInspectDocumentsButAFailedStartListsAsCreated() throws IOException {
        List<ContainerSummary> fromList = new ArrayList<>();
        List<Sandbox> sandboxesFromList = new ArrayList<>();
        for (JsonNode entry : resource("list.json")) {
            DockerObjects.containerSummaryOfListEntry(entry).ifPresent(fromList::add);
            DockerObjects.sandboxOfListEntry(entry).ifPresent(sandboxesFromList::add);
        }
        List<ContainerSummary> fromInspect = new ArrayList<>();
        for (String name : List.of("inspect-exited-3.json", "inspect-start-error.json", "inspect-oom-killed.json",
                "inspect-running.json")) {
            DockerObjects.containerSummary(resource(name)).ifPresent(fromInspect::add);
        }

        assertThat(fromList).containsExactlyInAnyOrderElementsOf(fromInspect);
        assertThat(fromList).filteredOn(c -> c.name().equals("bad")).singleElement()
                .satisfies(c -> assertThat(c.state()).isEqualTo(ContainerState.CREATED));
        assertThat(fromList).allSatisfy(c -> assertThat(c.sandboxId()).isEqualTo(sandboxesFromList.get(0).id()));
        assertThat(sandboxesFromList).singleElement().isEqualTo(
                DockerObjects.sandbox(resource("inspect-sandbox-running.json")).orElseThrow());
    }

    @Test
    void dockersStatesMapOntoTheSpis() {
        assertThat(DockerObjects.state("created")).isEqualTo(ContainerState.CREATED);
        assertThat(DockerObjects.state("paused")).isEqualTo(ContainerState.RUNNING);
        assertThat(DockerObjects.state("dead")).isEqualTo(ContainerState.EXITED);
        assertThat(DockerObjects.state("removing")).isEqualTo(ContainerState.EXITED);
        assertThat(DockerObjects.state("something new")).isEqualTo(ContainerState.UNKNOWN);
    }
}
