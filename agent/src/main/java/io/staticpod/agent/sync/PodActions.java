package io.staticpod.agent.sync;

import io.staticpod.agent.relist.ContainerView;
import io.staticpod.manifest.model.Container;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.Sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one sync of a pod does, as the kubelet's {@code podActions}, in the order {@link PodExecutor} carries it out:
 * <ol>
 *   <li>stop and remove every container and sandbox of other versions of the pod ({@code otherContainers},
 *   {@code otherSandboxes}): the old version always stops before the new one starts;</li>
 *   <li>stop containers of this version ({@code kills}), then sandboxes of this version ({@code sandboxesToStop});</li>
 *   <li>remove dead instances ({@code removals}; the newest dead one of each container is kept for
 *   {@code kubectl logs --previous}) and sandboxes left empty ({@code sandboxRemovals});</li>
 *   <li>create the sandbox, or use the one there is ({@code sandbox});</li>
 *   <li>start the next init container ({@code nextInit}), or the app containers ({@code starts}).</li>
 * </ol>
 * Besides: when to look again at the latest ({@code wakeAt}, monotonic: the earliest end of a back-off), why containers
 * that should run do not ({@code waiting}, for the status) and the exits this plan answers ({@code exits}, for the
 * log). Immutable.
 */
public record PodActions(List<ContainerView> otherContainers,
                         List<Sandbox> otherSandboxes,
                         List<Kill> kills,
                         List<Sandbox> sandboxesToStop,
                         List<ContainerView> removals,
                         List<Sandbox> sandboxRemovals,
                         SandboxPlan sandbox,
                         Start nextInit,
                         List<Start> starts,
                         Instant wakeAt,
                         Map<String, PodStatus.Waiting> waiting,
                         List<Exit> exits) {
    public PodActions {
        otherContainers = List.copyOf(otherContainers);
        otherSandboxes = List.copyOf(otherSandboxes);
        kills = List.copyOf(kills);
        sandboxesToStop = List.copyOf(sandboxesToStop);
        removals = List.copyOf(removals);
        sandboxRemovals = List.copyOf(sandboxRemovals);
        Objects.requireNonNull(sandbox, "sandbox");
        starts = List.copyOf(starts);
        waiting = Map.copyOf(waiting);
        exits = List.copyOf(exits);
    }

    /** True when carrying this out changes something in the runtime. */
    public boolean changesRuntime() {
        return !otherContainers.isEmpty() || !otherSandboxes.isEmpty() || !kills.isEmpty()
                || !sandboxesToStop.isEmpty() || !removals.isEmpty() || !sandboxRemovals.isEmpty()
                || sandbox instanceof SandboxPlan.Create || nextInit != null || !starts.isEmpty();
    }

    /** Why a running container of this version is stopped. */
    public enum KillReason {
        SPEC_CHANGED("its spec changed", true),
        SANDBOX_REPLACED("its sandbox is not ready or was replaced", true),
        SANDBOX_CHANGED("the pod's sandbox settings changed: it is killed and re-created", true),
        LIVENESS("it failed its liveness probe", true),
        STARTUP("it failed its startup probe", true),
        DUPLICATE("a newer instance of the container runs", false),
        UNKNOWN_STATE("its state is unknown", false),
        POD_DONE("the pod is done: nothing runs or restarts", true),
        INIT_FAILED("an init container failed and restartPolicy is Never", true);

        private final String words;
        private final boolean keepForLogs;

        KillReason(String words, boolean keepForLogs) {
            this.words = words;
            this.keepForLogs = keepForLogs;
        }

        /** As a log line says it. */
        public String words() {
            return words;
        }

        /** The stopped instance stays (it may be the one {@code kubectl logs --previous} shows). */
        public boolean keepForLogs() {
            return keepForLogs;
        }
    }

    /** Stop {@code container} for {@code reason}; remove it too unless the reason keeps it for its logs. */
    public record Kill(ContainerView container, KillReason reason) {
    }

    /** The sandbox the containers go in. */
    public sealed interface SandboxPlan permits SandboxPlan.None, SandboxPlan.Keep, SandboxPlan.Create {
        /** No sandbox: the pod is removed or done. */
        record None() implements SandboxPlan {
        }

        /** The ready sandbox there is. */
        record Keep(Sandbox sandbox) implements SandboxPlan {
        }

        /** A new sandbox, with this attempt number. */
        record Create(int attempt) implements SandboxPlan {
        }
    }

    /**
     * Start a new instance of {@code container}.
     *
     * @param attempt      its restart count: one more than the newest instance's, 0 for the first
     * @param backOffEvent the exit or failed start (monotonic) this start answers, which the back-off counts; null for
     *                     a first start
     */
    public record Start(Container container, boolean init, int attempt, Instant backOffEvent) {
    }

    /** What happens after an exit, for the log line that tells it. */
    public enum Outcome { RESTARTING, BACK_OFF, NOT_RESTARTED, POD_FAILED }

    /**
     * The newest instance of a container has exited, and this is what the plan does about it.
     *
     * @param backOff the delay it waits, for {@link Outcome#BACK_OFF}; else null
     */
    public record Exit(ContainerView instance, Outcome outcome, int nextAttempt, Duration backOff) {
    }
}
