package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The part of {@link ContainerRuntimeContract} that any runtime, the fake included, shows without a real process:
 * the life of sandboxes and containers, what a list and a snapshot find, what round-trips, and the typed errors.
 */
public abstract class ContractLifecycle extends ContractFixtures {

    /** An id no engine has. */
    protected static final String MISSING = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @BeforeEach
    void theTestImageIsPresent() {
        assertThat(runtime().images().status(busyboxImage()))
                .as("the test image %s (scripts/lib.sh ensure_images builds it)", busyboxImage()).isPresent();
    }

    @AfterEach
    void removeEverythingOfThisTest() {
        removeAll(runtime(), testLabels());
    }

    // ------------------------------------------------------------------------------------------- sandboxes

    @Test
    void aSandboxIsReadyAndListedWithItsMetadataLabelsAndAnnotations() {
        SandboxConfig pod = pod("ready").attempt(2).label("app", "web").annotation("note", "a b=c").build();

        String id = run(pod);

        SandboxStatus status = runtime().sandboxes().status(id).orElseThrow();
        assertThat(status.id()).isEqualTo(id);
        assertThat(status.sandbox().state()).isEqualTo(SandboxState.READY);
        assertThat(status.sandbox().metadata()).isEqualTo(pod.metadata());
        assertThat(status.sandbox().labels()).isEqualTo(pod.labels());
        assertThat(status.sandbox().annotations()).isEqualTo(pod.annotations());
        assertThat(status.sandbox().createdAt()).isNotNull();
        assertThat(status.network()).isEqualTo(NamespaceMode.POD);
        assertThat(runtime().sandboxes().list(testLabels())).singleElement().isEqualTo(status.sandbox());
    }

    @Test
    void aStoppedSandboxIsNotReadyItsContainersAreStoppedAndStoppingAgainIsFine() {
        SandboxConfig pod = pod("stopped").build();
        String sandbox = run(pod);
        String app = start(sandbox, pod, busybox("app", SLEEPER));

        runtime().sandboxes().stop(sandbox);
        runtime().sandboxes().stop(sandbox);

        assertThat(runtime().sandboxes().status(sandbox).orElseThrow().sandbox().state())
                .isEqualTo(SandboxState.NOT_READY);
        assertThat(runtime().sandboxes().list(testLabels())).extracting(Sandbox::id).containsExactly(sandbox);
        assertThat(status(app).state()).isEqualTo(ContainerState.EXITED);
    }

    @Test
    void aRemovedSandboxIsGoneWithItsContainersAndRemovingAgainIsFine() {
        SandboxConfig pod = pod("removed").build();
        String sandbox = run(pod);
        String app = start(sandbox, pod, busybox("app", SLEEPER));

        runtime().sandboxes().remove(sandbox);
        runtime().sandboxes().remove(sandbox);

        assertThat(runtime().sandboxes().status(sandbox)).isEmpty();
        assertThat(runtime().containers().status(app)).isEmpty();
        assertThat(runtime().snapshot(testLabels())).isEqualTo(new RuntimeSnapshot(List.of(), List.of()));
    }

    @Test
    void stopRemoveAndStatusOfAMissingSandboxAreNotErrors() {
        runtime().sandboxes().stop(MISSING);
        runtime().sandboxes().remove(MISSING);

        assertThat(runtime().sandboxes().status(MISSING)).isEmpty();
    }

    @Test
    void runningASandboxAgainWithTheSameNameAndAttemptReplacesTheLeftover() {
        SandboxConfig pod = pod("again").build();
        String first = run(pod);

        String second = run(pod);

        assertThat(second).isNotEqualTo(first);
        assertThat(runtime().sandboxes().status(first)).isEmpty();
        assertThat(runtime().sandboxes().list(testLabels())).extracting(Sandbox::id).containsExactly(second);
    }

    @Test
    void aSandboxOnThePodNetworkHasAnAddressAndOneOnTheNodesNetworkHasNone() {
        assumeThat(runtime().capabilities().podNetwork()).as("capability podNetwork").isTrue();
        String own = run(pod("own").build());
        String node = run(pod("node").hostNetwork().build());

        assertThat(runtime().sandboxes().status(own).orElseThrow().ip()).matches("[0-9a-f.:]+");
        SandboxStatus onNode = runtime().sandboxes().status(node).orElseThrow();
        assertThat(onNode.ip()).isNull();
        assertThat(onNode.network()).isEqualTo(NamespaceMode.NODE);
    }

    // ------------------------------------------------------------------------------------------ containers

    @Test
    void aCreatedContainerIsCreatedThenRunsOnceStartedWithNameAttemptLabelsAndAnnotations() {
        SandboxConfig pod = pod("life").build();
        String sandbox = run(pod);
        ImageInfo image = runtime().images().status(busyboxImage()).orElseThrow();
        ContainerConfig config = busybox("app", SLEEPER).labels(labels("role", "front"))
                .annotations(Map.of("io.kubernetes.container.hash", "1a2b", "note", "x y=z")).build();
        ContainerConfig retried = ContainerConfig.builder("app", 3, busyboxImage()).command(config.command())
                .labels(testLabels()).build();

        String id = runtime().containers().create(sandbox, config, pod);
        ContainerStatus created = status(id);
        runtime().containers().start(id);
        String third = runtime().containers().create(sandbox, retried, pod);

        assertThat(created.state()).isEqualTo(ContainerState.CREATED);
        assertThat(created.startedAt()).isNull();
        assertThat(created.createdAt()).isNotNull();
        ContainerStatus running = status(id);
        assertThat(running.id()).isEqualTo(id);
        assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
        assertThat(running.name()).isEqualTo("app");
        assertThat(running.attempt()).isZero();
        assertThat(running.image()).isEqualTo(busyboxImage());
        assertThat(running.imageRef()).isEqualTo(image.id());
        assertThat(running.labels()).isEqualTo(config.labels());
        assertThat(running.annotations()).isEqualTo(config.annotations());
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.finishedAt()).isNull();
        assertThat(running.reason()).isNull();
        assertThat(runtime().containers().list(labels("role", "front"))).singleElement().satisfies(c -> {
            assertThat(c.id()).isEqualTo(id);
            assertThat(c.sandboxId()).isEqualTo(sandbox);
            assertThat(c.name()).isEqualTo("app");
            assertThat(c.attempt()).isZero();
            assertThat(c.state()).isEqualTo(ContainerState.RUNNING);
            assertThat(c.labels()).isEqualTo(config.labels());
            assertThat(c.annotations()).isEqualTo(config.annotations());
            assertThat(c.imageRef()).isEqualTo(image.id());
            assertThat(c.createdAt()).isNotNull();
        });
        assertThat(status(third).attempt()).isEqualTo(3);
        assertThat(status(third).name()).isEqualTo("app");
    }

    @Test
    void aProcessExitingWithZeroIsCompletedAndWithThreeIsError() {
        SandboxConfig pod = pod("exits").build();
        String sandbox = run(pod);
        String zero = start(sandbox, pod, busybox("zero", "exit 0"));
        String three = start(sandbox, pod, busybox("three", "exit 3"));
        processExited(zero, 0);
        processExited(three, 3);

        ContainerStatus completed = awaitExited(zero);
        ContainerStatus error = awaitExited(three);

        assertThat(completed.exitCode()).isZero();
        assertThat(completed.reason()).isEqualTo("Completed");
        assertThat(error.exitCode()).isEqualTo(3);
        assertThat(error.reason()).isEqualTo("Error");
        // not after startedAt: an engine may record the start after a quick process has already ended
        assertThat(error.finishedAt()).isNotNull().isAfterOrEqualTo(error.createdAt());
    }

    @Test
    void aCommandThatCannotRunIsRefusedAndLeavesAStartError() {
        SandboxConfig pod = pod("bad-command").build();
        String sandbox = run(pod);
        String id = runtime().containers().create(sandbox, ContainerConfig.builder("bad", 0, busyboxImage())
                .command(List.of("/nonexistent")).labels(testLabels()).build(), pod);
        arrangeNextStartToFail("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");

        assertThatThrownBy(() -> runtime().containers().start(id)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("/nonexistent");

        ContainerStatus failed = awaitExited(id);
        assertThat(failed.reason()).isEqualTo("StartError");
        assertThat(failed.exitCode()).isNotZero();
        assertThat(failed.message()).contains("/nonexistent");
    }

    @Test
    void aStoppedContainerHasExitedAndStoppingAgainIsFine() {
        SandboxConfig pod = pod("stop").build();
        String sandbox = run(pod);
        String id = start(sandbox, pod, busybox("app", SLEEPER));

        runtime().containers().stop(id, Duration.ofSeconds(10));
        runtime().containers().stop(id, Duration.ofSeconds(10));

        ContainerStatus stopped = status(id);
        assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
        assertThat(stopped.finishedAt()).isNotNull();
        assertThat(runtime().sandboxes().status(sandbox).orElseThrow().sandbox().ready()).isTrue();
    }

    @Test
    void aRemovedContainerIsGoneEvenWhenItWasRunningAndRemovingAgainIsFine() {
        SandboxConfig pod = pod("rm").build();
        String sandbox = run(pod);
        String id = start(sandbox, pod, busybox("app", SLEEPER));

        runtime().containers().remove(id);
        runtime().containers().remove(id);

        assertThat(runtime().containers().status(id)).isEmpty();
        assertThat(runtime().containers().list(testLabels())).isEmpty();
        assertThat(runtime().sandboxes().status(sandbox)).isPresent();
    }

    @Test
    void stopRemoveAndStatusOfAMissingContainerAreNotErrorsButStartIsNotFound() {
        runtime().containers().stop(MISSING, Duration.ofSeconds(1));
        runtime().containers().remove(MISSING);

        assertThat(runtime().containers().status(MISSING)).isEmpty();
        assertThatThrownBy(() -> runtime().containers().start(MISSING)).isInstanceOf(RuntimeError.NotFound.class)
                .hasMessageContaining(MISSING.substring(0, 12));
    }

    @Test
    void aLeftoverContainerWithTheSameNameAndAttemptIsReplaced() {
        SandboxConfig pod = pod("leftover").build();
        String sandbox = run(pod);
        String first = runtime().containers().create(sandbox, busybox("app", SLEEPER).build(), pod);

        String second = runtime().containers().create(sandbox, busybox("app", SLEEPER).build(), pod);

        assertThat(second).isNotEqualTo(first);
        assertThat(runtime().containers().status(first)).isEmpty();
        runtime().containers().start(second);
        assertThat(status(second).running()).isTrue();
    }

    @Test
    void listFiltersByEveryLabelAndIncludesExitedContainers() {
        SandboxConfig pod = pod("list").build();
        String sandbox = run(pod);
        String a1 = start(sandbox, pod, busybox("a1", SLEEPER).labels(labels("group", "a")));
        String a2 = start(sandbox, pod, busybox("a2", "exit 0").labels(labels("group", "a")));
        String b1 = start(sandbox, pod, busybox("b1", SLEEPER).labels(labels("group", "b")));
        processExited(a2, 0);
        awaitExited(a2);

        assertThat(runtime().containers().list(labels("group", "a"))).extracting(ContainerSummary::id)
                .containsExactlyInAnyOrder(a1, a2);
        assertThat(runtime().containers().list(testLabels())).extracting(ContainerSummary::id)
                .containsExactlyInAnyOrder(a1, a2, b1);
        assertThat(runtime().containers().list(labels("group", "c"))).isEmpty();
        assertThat(runtime().sandboxes().list(labels("group", "a"))).isEmpty();
    }

    @Test
    void aSnapshotFindsExactlyTheSandboxesAndContainersCarryingTheLabels() {
        SandboxConfig a = pod("snap-a").label("pod", "a").build();
        SandboxConfig b = pod("snap-b").label("pod", "b").build();
        String sandboxA = run(a);
        String sandboxB = run(b);
        String app = start(sandboxA, a, busybox("app", SLEEPER).labels(labels("pod", "a")));
        String init = start(sandboxA, a, busybox("init", "exit 0").labels(labels("pod", "a")));
        start(sandboxB, b, busybox("app", SLEEPER).labels(labels("pod", "b")));
        processExited(init, 0);
        awaitExited(init);

        RuntimeSnapshot snapshot = runtime().snapshot(labels("pod", "a"));

        assertThat(snapshot.sandboxes()).extracting(Sandbox::id).containsExactly(sandboxA);
        assertThat(snapshot.containers()).extracting(ContainerSummary::id).containsExactlyInAnyOrder(app, init);
        assertThat(snapshot.containers()).allSatisfy(c -> assertThat(c.sandboxId()).isEqualTo(sandboxA));
        assertThat(snapshot.containers()).filteredOn(c -> c.id().equals(init)).singleElement()
                .extracting(ContainerSummary::state).isEqualTo(ContainerState.EXITED);
        assertThat(runtime().snapshot(testLabels()).sandboxes()).hasSize(2);
        assertThat(runtime().snapshot(labels("pod", "c"))).isEqualTo(new RuntimeSnapshot(List.of(), List.of()));
    }

    @Test
    void aNewRuntimeInstanceSeesTheSameSandboxesAndContainers() {
        SandboxConfig pod = pod("adopt").attempt(1).annotation("a", "b").build();
        String sandbox = run(pod);
        start(sandbox, pod, busybox("app", SLEEPER).annotations(Map.of("c", "d")));
        RuntimeSnapshot before = runtime().snapshot(testLabels());

        try (ContainerRuntime restarted = newRuntimeInstance()) {
            assertThat(restarted.snapshot(testLabels())).isEqualTo(before);
        }
    }

    // -------------------------------------------------------------------------------- errors and images

    @Test
    void creatingInAMissingSandboxIsNotFound() {
        SandboxConfig pod = pod("no-sandbox").build();

        assertThatThrownBy(() -> runtime().containers().create(MISSING, busybox("app", SLEEPER).build(), pod))
                .isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void creatingWithAMissingImageIsImageUnavailableNamingIt() {
        SandboxConfig pod = pod("no-image").build();
        String sandbox = run(pod);

        assertThatThrownBy(() -> runtime().containers().create(sandbox,
                ContainerConfig.builder("app", 0, missingImage()).labels(testLabels()).build(), pod))
                .isInstanceOf(RuntimeError.ImageUnavailable.class).hasMessageContaining(missingImage());
    }

    @Test
    void environmentValuesAppearInNoErrorMessageOrStatus() {
        String secret = "s3cr3t-" + RUN;
        SandboxConfig pod = pod("env-secret").build();
        String sandbox = run(pod);
        List<EnvVar> env = List.of(new EnvVar("PASSWORD", secret), new EnvVar("TOKEN", "Bearer " + secret));
        ContainerConfig noImage = ContainerConfig.builder("app", 0, missingImage()).env(env).labels(testLabels())
                .build();
        ContainerConfig badCommand = ContainerConfig.builder("bad", 0, busyboxImage()).env(env)
                .command(List.of("/nonexistent", secret)).labels(testLabels()).build();
        ContainerConfig running = busybox("ok", SLEEPER).env(env).build();

        Throwable imageError = catchError(() -> runtime().containers().create(sandbox, noImage, pod));
        String bad = runtime().containers().create(sandbox, badCommand, pod);
        arrangeNextStartToFail("exec: \"/nonexistent\": stat /nonexistent: no such file or directory");
        Throwable startError = catchError(() -> runtime().containers().start(bad));
        String ok = start(sandbox, pod, busybox("ok", SLEEPER).env(env));
        Throwable conflict = catchError(() -> runtime().containers().create(sandbox, running, pod));

        for (Throwable error : List.of(imageError, startError, conflict)) {
            assertThat(error).isInstanceOf(RuntimeError.class);
            for (Throwable t = error; t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                assertThat(t.toString()).doesNotContain(secret);
            }
        }
        assertThat(String.valueOf(awaitExited(bad).message())).doesNotContain("s3cr3t");
        assertThat(status(ok).toString()).doesNotContain(secret);
        assertThat(badCommand.toString()).doesNotContain(secret);
    }

    @Test
    void imageStatusShowsAPresentImageAndNothingForAMissingOne() {
        ImageInfo present = runtime().images().status(busyboxImage()).orElseThrow();

        assertThat(present.image()).isEqualTo(busyboxImage());
        assertThat(present.id()).startsWith("sha256:");
        assertThat(runtime().images().status(missingImage())).isEmpty();
    }

    @Test
    void pullingAnImageNoRegistryHasIsImageUnavailable() {
        assertThatThrownBy(() -> runtime().images().pull(missingImage()))
                .isInstanceOf(RuntimeError.ImageUnavailable.class).hasMessageContaining(missingImage());
    }

    @Test
    void versionNamesTheEngineAndTheApiInUse() {
        RuntimeVersion version = runtime().version();

        assertThat(version.runtimeName()).isNotBlank();
        assertThat(version.runtimeVersion()).isNotBlank();
        assertThat(version.apiVersion()).isNotBlank();
        assertThatCode(() -> runtime().capabilities()).doesNotThrowAnyException();
        assertThat(runtime().exec().isPresent()).isEqualTo(runtime().capabilities().exec());
        assertThat(runtime().events().isPresent()).isEqualTo(runtime().capabilities().exitEvents());
        assertThat(runtime().logs().isPresent()).isEqualTo(runtime().capabilities().logs());
    }

    private static Throwable catchError(Runnable call) {
        try {
            call.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected the call to fail");
    }
}
