package io.staticpod.agent.sync;

import io.staticpod.agent.probe.Hooks;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Probe;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * A container's lifecycle hooks where the kubelet runs them: {@code postStart} right after its start (the pod's next
 * containers wait for it; a failure is a {@code FailedPostStartHook} event and the container is killed, so that it is
 * restarted by its policy and back-off), and {@code preStop} before every stop of a running container (as the
 * kubelet's {@code killContainer}), within the grace period: what the hook leaves of it, at least 2 s, is the stop's
 * grace period; a failure is a {@code FailedPreStopHook} event and the stop goes on. The preStop hook comes from the
 * container's own annotation, so that it runs after its manifest is gone too. The kubelet waits for a postStart hook
 * for ever, holding the pod's sync; the agent gives it {@link #POST_START_LIMIT}.
 */
final class LifecycleHooks {
    private static final Logger log = LoggerFactory.getLogger(LifecycleHooks.class);
    static final Duration POST_START_LIMIT = Duration.ofMinutes(2);
    static final Duration MIN_GRACE = Duration.ofSeconds(2);

    private final ContainerRuntime runtime;
    private final Hooks hooks;
    private final MirrorClient mirror;
    private final String nodeAddress;

    LifecycleHooks(ContainerRuntime runtime, MirrorClient mirror, String nodeAddress) {
        this.runtime = runtime;
        this.hooks = new Hooks(runtime.exec().orElse(null), runtime.name());
        this.mirror = mirror;
        this.nodeAddress = nodeAddress;
    }

    /**
     * Runs {@code hook}, the postStart hook of container {@code name} (just started as {@code containerId}).
     *
     * @return null when it succeeded, else why it failed (the event is sent)
     */
    String postStart(PodKey key, String podUid, String name, String containerId, String sandboxId, Probe.Action hook,
                     List<ContainerPort> ports) {
        String failure = hooks.run(hook, pod(key, podUid), name, containerId, host(hook, sandboxId), ports,
                POST_START_LIMIT);
        if (failure != null) {
            mirror.podEvent(key, new PodEvent(PodEvent.Type.Warning, "FailedPostStartHook", failure, name));
            log.warn("PostStart hook of static pod container failed; the container is killed pod={} container={}"
                    + " error={}", key, name, failure);
        }
        return failure;
    }

    /** Stops running container {@code c}: its preStop hook (if it has one) first. */
    void stop(PodKey key, ContainerView c) {
        stop(key, c.podUid(), c.name(), c.id(), c.sandboxId(), c.preStop(), c.gracePeriod());
    }

    /**
     * Stops running container {@code name} ({@code containerId}): {@code preStop} (or null) first, within
     * {@code grace}; then the runtime's stop with what is left of it, at least 2 s.
     */
    void stop(PodKey key, String podUid, String name, String containerId, String sandboxId, Probe.Action preStop,
              Duration grace) {
        Duration left = grace;
        if (preStop != null && grace.toSeconds() > 0) {
            long start = System.nanoTime();
            String failure = hooks.run(preStop, pod(key, podUid), name, containerId, host(preStop, sandboxId),
                    List.of(), grace);
            if (failure != null) {
                mirror.podEvent(key, new PodEvent(PodEvent.Type.Warning, "FailedPreStopHook", failure, name));
                log.warn("PreStop hook of static pod container failed; it is stopped pod={} container={} error={}",
                        key, name, failure);
            }
            left = grace.minusNanos(System.nanoTime() - start);
        }
        runtime.containers().stop(containerId, left.compareTo(MIN_GRACE) < 0 ? MIN_GRACE : left);
    }

    /** Where an httpGet hook goes: the node's address for a host-network pod, else the sandbox's; null if none. */
    private String host(Probe.Action hook, String sandboxId) {
        if (!(hook instanceof Probe.HttpGet) || sandboxId == null) {
            return null;
        }
        try {
            SandboxStatus s = runtime.sandboxes().status(sandboxId).orElse(null);
            if (s == null) {
                return null;
            }
            return s.network() == NamespaceMode.NODE ? nodeAddress : s.ip();
        } catch (RuntimeError e) {
            return null;
        }
    }

    /** A pod as the kubelet names one in messages. */
    private static String pod(PodKey key, String uid) {
        return key.name() + "_" + key.namespace() + "(" + uid + ")";
    }
}
