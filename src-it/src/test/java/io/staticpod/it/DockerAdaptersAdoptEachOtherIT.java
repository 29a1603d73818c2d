package io.staticpod.it;

import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.docker.cli.DockerCliRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.testing.ContractFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node switching between {@code --runtime docker-cli} and {@code --runtime docker} adopts its pods: what one
 * Docker adapter made, the other lists identically (ids, sandbox, name, attempt, labels, annotations, state,
 * creation time) and reports the same statuses, so the agent sees nothing to restart. Both directions.
 */
class DockerAdaptersAdoptEachOtherIT extends ContractFixtures {

    private static DockerApiRuntime api;
    private static DockerCliRuntime cli;
    private ContainerRuntime current;

    @RegisterExtension
    static final ExecutionCondition SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI = DockerEngines.SKIPPED_WITHOUT_DOCKER_OUTSIDE_CI;

    @BeforeAll
    static void dockerIsUsable() {
        DockerEngines.requireUnderCi();
        api = DockerEngines.api();
        cli = DockerEngines.cli();
    }

    @AfterEach
    void removeWhatTheTestMade() {
        removeAll(api, testLabels());
    }

    @Override
    protected ContainerRuntime runtime() {
        return current;
    }

    @Override
    protected ContainerRuntime newRuntimeInstance() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected String busyboxImage() {
        return ItEnvironment.BUSYBOX;
    }

    @Test
    void podsMadeThroughTheCliAreListedIdenticallyThroughTheApi() {
        assertListedIdentically(cli, api);
    }

    @Test
    void podsMadeThroughTheApiAreListedIdenticallyThroughTheCli() {
        assertListedIdentically(api, cli);
    }

    private void assertListedIdentically(ContainerRuntime maker, ContainerRuntime adopter) {
        current = maker;
        SandboxConfig pod = pod("adopted").attempt(1).annotation("kubernetes.io/config.hash", "abc").build();
        SandboxConfig onNode = pod("adopted-host").hostNetwork().build();
        String sandbox = run(pod);
        String hostSandbox = run(onNode);
        ContainerConfig.Builder appConfig = busybox("app", SLEEPER).annotations(Map.of("io.kubernetes.container.hash",
                "0123abcd")).labels(labels("io.kubernetes.container.name", "app"));
        String app = start(sandbox, pod, appConfig);
        ContainerConfig.Builder initConfig = ContainerConfig.builder("init", 2, busyboxImage())
                .command(List.of("sh", "-c", "exit 0")).labels(testLabels());
        String done = start(sandbox, pod, initConfig);
        String onHost = start(hostSandbox, onNode, busybox("agent", SLEEPER));
        await().atMost(PATIENCE).until(() -> status(done).exited());

        RuntimeSnapshot made = maker.snapshot(testLabels());
        RuntimeSnapshot adopted = adopter.snapshot(testLabels());

        // what the maker was asked for is what the adopter reads: nothing more, nothing less
        for (SandboxConfig asked : List.of(pod, onNode)) {
            assertThat(adopted.sandboxes()).filteredOn(s -> s.metadata().equals(asked.metadata())).singleElement()
                    .satisfies(s -> {
                        assertThat(s.labels()).isEqualTo(asked.labels());
                        assertThat(s.annotations()).isEqualTo(asked.annotations());
                    });
        }
        for (ContainerConfig asked : List.of(appConfig.build(), initConfig.build())) {
            assertThat(adopted.containers()).filteredOn(c -> c.name().equals(asked.name())).singleElement()
                    .satisfies(c -> {
                        assertThat(c.attempt()).isEqualTo(asked.attempt());
                        assertThat(c.sandboxId()).isEqualTo(sandbox);
                        assertThat(c.labels()).isEqualTo(asked.labels());
                        assertThat(c.annotations()).isEqualTo(asked.annotations());
                        assertThat(c.image()).isEqualTo(asked.image());
                    });
        }
        // and each adapter reads them the same way
        assertThat(adopted.sandboxes()).containsExactlyInAnyOrderElementsOf(made.sandboxes()).hasSize(2);
        assertThat(adopted.containers()).containsExactlyInAnyOrderElementsOf(made.containers()).hasSize(3);
        assertThat(adopted.containers()).filteredOn(c -> c.id().equals(done)).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("init");
            assertThat(c.attempt()).isEqualTo(2);
            assertThat(c.sandboxId()).isEqualTo(sandbox);
            assertThat(c.state()).isEqualTo(ContainerState.EXITED);
        });
        assertThat(adopted.containers()).extracting(ContainerSummary::id).containsExactlyInAnyOrder(app, done, onHost);
        for (String id : List.of(app, done, onHost)) {
            ContainerStatus byMaker = maker.containers().status(id).orElseThrow();
            assertThat(adopter.containers().status(id)).contains(byMaker);
        }
        for (String id : List.of(sandbox, hostSandbox)) {
            assertThat(adopter.sandboxes().status(id)).isEqualTo(maker.sandboxes().status(id));
        }
        // and the adopter can carry on: stop and remove what the other made
        adopter.containers().stop(app, Duration.ofSeconds(10));
        assertThat(maker.containers().status(app).orElseThrow().exited()).isTrue();
        adopter.sandboxes().remove(sandbox);
        assertThat(maker.snapshot(testLabels()).sandboxes()).singleElement()
                .satisfies(s -> assertThat(s.id()).isEqualTo(hostSandbox));
    }
}
