package io.staticpod.agent.relist;

import io.staticpod.manifest.HookJson;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Probe;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One container instance as the agent sees it: the runtime's full status and the sandbox it was created in (which
 * only a list shows). The labels and annotations it reads are the ones the agent set (see {@code agent.launch}).
 */
public record ContainerView(String sandboxId, ContainerStatus status) {
    /** Instances of one container, the newest (highest attempt, then latest created) first. */
    public static final Comparator<ContainerView> NEWEST_FIRST = Comparator
            .comparingInt(ContainerView::attempt).reversed()
            .thenComparing(ContainerView::createdAt, Comparator.nullsLast(Comparator.reverseOrder()));

    /** As the kubelet's minimumGracePeriodInSeconds. */
    public static final Duration MIN_GRACE = Duration.ofSeconds(2);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    public ContainerView {
        Objects.requireNonNull(status, "status");
    }

    public String id() {
        return status.id();
    }

    /** The container's name in the pod ({@code app}). */
    public String name() {
        return status.name();
    }

    public int attempt() {
        return status.attempt();
    }

    public ContainerState state() {
        return status.state();
    }

    public boolean running() {
        return status.running();
    }

    public boolean exited() {
        return status.exited();
    }

    public Instant createdAt() {
        return status.createdAt();
    }

    public Instant finishedAt() {
        return status.finishedAt();
    }

    public int exitCode() {
        return status.exitCode();
    }

    /** The UID of the pod version it belongs to. */
    public String podUid() {
        return status.labels().getOrDefault(WellKnown.POD_UID, "");
    }

    /** The spec hash it was created with, or "" when it carries none. */
    public String hash() {
        return value(WellKnown.CONTAINER_HASH);
    }

    /** Its pod's grace period, as it was created with (the kubelet's minimum of 2 s applies). */
    public Duration gracePeriod() {
        try {
            Duration d = Duration.ofSeconds(Long.parseLong(value(WellKnown.POD_TERMINATION_GRACE_PERIOD)));
            return d.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : d;
        } catch (NumberFormatException e) {
            return DEFAULT_GRACE;
        }
    }

    /** Its termination message policy, as it was created with ({@code File}, {@code FallbackToLogsOnError}), or "". */
    public String terminationMessagePolicy() {
        return value(WellKnown.TERMINATION_MESSAGE_POLICY);
    }

    /** Its preStop hook, as it was created with, or null. */
    public Probe.Action preStop() {
        return HookJson.read(value(WellKnown.PRE_STOP_HANDLER));
    }

    /** An annotation, else a label of that key (runtimes without annotations keep them as labels), else "". */
    private String value(String key) {
        String v = status.annotations().get(key);
        return v != null ? v : status.labels().getOrDefault(key, "");
    }
}
