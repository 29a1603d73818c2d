package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodView;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** What a runtime reports for a pod, written tersely for planner tests: ids name what they are (sb0, app-1). */
final class Seen {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<Sandbox> sandboxes = new ArrayList<>();
    private final List<ContainerView> containers = new ArrayList<>();

    static Seen nothing() {
        return new Seen();
    }

    /** A sandbox as this agent creates it: labelled with the pod's sandbox hash. */
    Seen sandbox(StaticPod pod, int attempt, boolean ready) {
        return sandboxWithHash(pod, attempt, ready, PodIdentity.sandboxHash(pod.pod()));
    }

    /** A sandbox labelled with {@code hash}, or without the label (an older agent's) when it is null. */
    Seen sandboxWithHash(StaticPod pod, int attempt, boolean ready, String hash) {
        Map<String, String> labels = new java.util.HashMap<>(Map.of(WellKnown.POD_UID, pod.uid()));
        if (hash != null) {
            labels.put(WellKnown.SANDBOX_HASH, hash);
        }
        sandboxes.add(new Sandbox("sb" + attempt, new SandboxMetadata(pod.key().name(), pod.key().namespace(),
                pod.uid(), attempt), ready ? SandboxState.READY : SandboxState.NOT_READY, T0.plusSeconds(attempt),
                labels, Map.of()));
        return this;
    }

    Seen running(StaticPod pod, String name, int attempt, int sandbox) {
        return add(pod, name, attempt, sandbox, ContainerState.RUNNING, 0, hash(pod, name));
    }

    Seen exited(StaticPod pod, String name, int attempt, int sandbox, int exitCode) {
        return add(pod, name, attempt, sandbox, ContainerState.EXITED, exitCode, hash(pod, name));
    }

    Seen in(StaticPod pod, String name, int attempt, int sandbox, ContainerState state) {
        return add(pod, name, attempt, sandbox, state, 0, hash(pod, name));
    }

    Seen runningWithHash(StaticPod pod, String name, int attempt, int sandbox, String hash) {
        return add(pod, name, attempt, sandbox, ContainerState.RUNNING, 0, hash);
    }

    PodView view(StaticPod pod) {
        return new PodView(pod.key(), sandboxes, containers);
    }

    private Seen add(StaticPod pod, String name, int attempt, int sandbox, ContainerState state, int exitCode,
                     String hash) {
        Instant created = T0.plusSeconds(10L * attempt + 1);
        ContainerStatus status = new ContainerStatus(name + "-" + attempt, name, attempt, "busybox:test", null, state,
                created, state == ContainerState.CREATED ? null : created,
                state == ContainerState.EXITED ? created.plusSeconds(5) : null, exitCode,
                state == ContainerState.EXITED ? (exitCode == 0 ? "Completed" : "Error") : null, null,
                Map.of(WellKnown.POD_UID, pod.uid(), WellKnown.CONTAINER_NAME, name),
                Map.of(WellKnown.CONTAINER_HASH, hash, WellKnown.POD_TERMINATION_GRACE_PERIOD, "30"), null);
        containers.add(new ContainerView("sb" + sandbox, status));
        return this;
    }

    static String hash(StaticPod pod, String name) {
        return Stream.concat(pod.pod().spec().initContainers().stream(), pod.pod().spec().containers().stream())
                .filter(c -> c.name().equals(name)).findFirst().map(PodIdentity::containerHash).orElse("none");
    }

    static Container container(StaticPod pod, String name) {
        return Stream.concat(pod.pod().spec().initContainers().stream(), pod.pod().spec().containers().stream())
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
