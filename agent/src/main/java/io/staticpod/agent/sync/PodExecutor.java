package io.staticpod.agent.sync;

import io.staticpod.agent.launch.LaunchConfigs;
import io.staticpod.agent.launch.LaunchException;
import io.staticpod.agent.launch.PodFiles;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Carries out {@link PodActions}, as the kubelet's {@code SyncPod}, in numbered steps, and records what happened in
 * the {@link RestartHistory}. A failure to stop an old version, or to create the sandbox, is thrown (the pod's lane
 * retries with its own back-off) and nothing of the new version starts; a failure to start a container is recorded
 * for that container (its back-off and waiting reason) and the others still start.
 */
final class PodExecutor {
    private static final Logger log = LoggerFactory.getLogger(PodExecutor.class);
    /** After a failed start, look again this soon: the planner then applies the back-off. */
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final ContainerRuntime runtime;
    private final LaunchConfigs launch;
    private final PodCache cache;
    private final RestartHistory history;
    private final PodKiller killer;
    private final ContainerStarter starter;
    private final MirrorClient mirror;
    private final Node node;

    /**
     * What the executor knows of the node.
     *
     * @param address      the node's address (a host-network pod's)
     * @param sandboxImage the image sandboxes run, made present before one is run; null when the runtime sees to it
     * @param images       the images known to be present
     */
    record Node(String address, String sandboxImage, PresentImages images) {
    }

    /** What was done: when to look again (monotonic, or null) and why containers wait, for the status. */
    record Result(Instant wakeAt, Map<String, PodStatus.Waiting> waiting) {
    }

    PodExecutor(ContainerRuntime runtime, LaunchConfigs launch, PodCache cache, RestartHistory history,
                PodKiller killer, ContainerStarter starter, MirrorClient mirror, Node node) {
        this.runtime = runtime;
        this.launch = launch;
        this.cache = cache;
        this.history = history;
        this.killer = killer;
        this.starter = starter;
        this.mirror = mirror;
        this.node = node;
    }

    /** @param pod the desired pod, or null when the key's pod is removed */
    Result execute(PodKey key, StaticPod pod, PodActions a) {
        // 1. every other version of the pod stops (and goes) before anything of this one starts
        stopOtherVersions(key, pod, a);
        if (pod == null) {
            return new Result(null, Map.of());
        }
        noteExits(pod, a.exits());
        // 2. containers of this version that must stop, then sandboxes
        killer.kill(key, a.kills());
        a.sandboxesToStop().forEach(s -> runtime.sandboxes().stop(s.id()));
        // 3. dead instances and empty sandboxes; a failure here holds nothing up
        a.removals().forEach(c -> quietly(key, "container " + c.id(), () -> runtime.containers().remove(c.id())));
        a.sandboxRemovals().forEach(s -> quietly(key, "sandbox " + s.id(), () -> runtime.sandboxes().remove(s.id())));
        Map<String, PodStatus.Waiting> waiting = new HashMap<>(a.waiting());
        List<PodActions.Start> starts = new ArrayList<>();
        if (a.nextInit() != null) {
            starts.add(a.nextInit());
        }
        starts.addAll(a.starts());
        // 4. the sandbox
        String sandboxId;
        SandboxConfig config;
        try {
            if (a.sandbox() instanceof PodActions.SandboxPlan.Keep keep) {
                sandboxId = keep.sandbox().id();
                config = launch.sandbox(pod, keep.sandbox().metadata().attempt());
            } else if (a.sandbox() instanceof PodActions.SandboxPlan.Create create) {
                config = launch.sandbox(pod, create.attempt());
                sandboxId = createSandbox(pod, config);
            } else {
                return new Result(a.wakeAt(), waiting);
            }
        } catch (LaunchException e) {
            return failAll(pod, starts, "CreateContainerConfigError", e.getMessage(), waiting, a.wakeAt());
        }
        if (starts.isEmpty()) {
            return new Result(a.wakeAt(), waiting);
        }
        // 5. what the containers mount
        PodFiles files;
        try {
            files = launch.prepare(pod, podIp(pod, sandboxId));
        } catch (LaunchException e) {
            return failAll(pod, starts, "CreateContainerConfigError", e.getMessage(), waiting, a.wakeAt());
        }
        // 6. the next init container, or the app containers, in order
        Instant wake = a.wakeAt();
        boolean kept = a.sandbox() instanceof PodActions.SandboxPlan.Keep;
        for (PodActions.Start s : starts) {
            ContainerRef ref = new ContainerRef(pod.uid(), s.container().name());
            try {
                starter.start(pod, s.container(), s.attempt(), sandboxId, config, files);
                history.started(ref);
            } catch (ContainerStarter.Failed e) {
                if (kept && e.createdId() != null && sandboxGone(pod, sandboxId, e.createdId())) {
                    return new Result(history.now(), waiting); // the next sync replaces the sandbox
                }
                wake = earliest(wake, failed(pod, ref, e.reason(), e.getMessage(), waiting));
            }
            if (s.backOffEvent() != null) {
                history.restarted(ref, s.backOffEvent()); // as the kubelet: each restart tried raises the delay
            }
        }
        return new Result(wake, waiting);
    }

    /**
     * A container that could not start in the sandbox it was planned for, because that sandbox stopped meanwhile (an
     * engine shutting down stops it an instant after the containers whose exits woke this sync): the container never
     * ran and is not its fault, so it is removed and not counted as a restart.
     */
    private boolean sandboxGone(StaticPod pod, String sandboxId, String createdId) {
        try {
            if (runtime.sandboxes().status(sandboxId).map(st -> st.sandbox().ready()).orElse(false)) {
                return false;
            }
            log.info("Sandbox of static pod stopped while its containers were starting; it is replaced pod={} "
                    + "sandbox={}", pod.key(), shortId(sandboxId));
            runtime.containers().remove(createdId);
            return true;
        } catch (RuntimeError e) {
            return false; // the engine cannot tell: count it as the failure it looks like
        }
    }

    private void stopOtherVersions(PodKey key, StaticPod pod, PodActions a) {
        if (a.otherContainers().isEmpty() && a.otherSandboxes().isEmpty()) {
            return;
        }
        killer.kill(key, a.otherContainers(), a.otherSandboxes(),
                pod == null ? "its manifest was removed" : "its manifest changed", true);
        Set<String> uids = new LinkedHashSet<>();
        a.otherContainers().forEach(c -> uids.add(c.podUid()));
        a.otherSandboxes().forEach(s -> uids.add(s.metadata().uid()));
        for (String uid : uids) {
            launch.cleanup(key, uid);
            history.forget(uid);
        }
    }

    private String createSandbox(StaticPod pod, SandboxConfig config) {
        try {
            if (node.sandboxImage() != null) {
                node.images().ensure(node.sandboxImage(), ImagePullPolicy.IfNotPresent);
            }
            String id = runtime.sandboxes().run(config);
            log.info("Created sandbox of static pod pod={} id={} attempt={} file={}", pod.key(), shortId(id),
                    config.metadata().attempt(), pod.file());
            return id;
        } catch (RuntimeError e) {
            if (e instanceof RuntimeError.ImageUnavailable && node.sandboxImage() != null) {
                node.images().forget(node.sandboxImage()); // removed behind the agent's back: asked again next time
            }
            mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Warning, "FailedCreatePodSandBox",
                    "Failed to create pod sandbox: " + e.getMessage(), null));
            throw e;
        }
    }

    /** The address containers see as {@code status.podIP}: the node's on its network, else the sandbox's if any. */
    private String podIp(StaticPod pod, String sandboxId) {
        if (pod.pod().spec().hostNetwork()) {
            return node.address();
        }
        return runtime.capabilities().podNetwork() ? cache.sandboxIp(sandboxId) : null;
    }

    private Result failAll(StaticPod pod, List<PodActions.Start> starts, String reason, String message,
                           Map<String, PodStatus.Waiting> waiting, Instant wake) {
        for (PodActions.Start s : starts) {
            ContainerRef ref = new ContainerRef(pod.uid(), s.container().name());
            if (s.backOffEvent() != null) {
                history.restarted(ref, s.backOffEvent());
            }
            wake = earliest(wake, failed(pod, ref, reason, message, waiting));
        }
        return new Result(wake, waiting);
    }

    private Instant failed(StaticPod pod, ContainerRef ref, String reason, String message,
                           Map<String, PodStatus.Waiting> waiting) {
        history.startFailed(ref, reason, message);
        waiting.put(ref.containerName(), new PodStatus.Waiting(reason, message));
        mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Warning, "Failed", message, ref.containerName()));
        log.warn("Failed to start container of static pod; will retry with back-off pod={} container={} reason={} "
                + "error={}", pod.key(), ref.containerName(), reason, message);
        return history.now().plus(RETRY);
    }

    /** One line per exit, and for a back-off one more line and the BackOff event, each once per instance. */
    private void noteExits(StaticPod pod, List<PodActions.Exit> exits) {
        for (PodActions.Exit e : exits) {
            ContainerView c = e.instance();
            if (history.firstNotice(pod.uid(), c.id(), "exit")) {
                String outcome = switch (e.outcome()) {
                    case RESTARTING -> "restarting, restartCount=" + e.nextAttempt();
                    case BACK_OFF -> "restarting after a back-off of " + e.backOff().toSeconds() + "s";
                    case NOT_RESTARTED -> "not restarted: restartPolicy is " + pod.pod().spec().restartPolicy();
                    case POD_FAILED -> "the pod failed: restartPolicy is Never";
                };
                String message = c.status().message();
                log.info("Container of static pod exited pod={} container={} exitCode={} reason={} outcome=\"{}\" "
                                + "file={}{}", pod.key(), c.name(), c.exitCode(), c.status().reason(), outcome,
                        pod.file(), message == null || message.isEmpty() ? "" : " error=\"" + message + "\"");
            }
            if (e.outcome() == PodActions.Outcome.BACK_OFF && history.firstNotice(pod.uid(), c.id(), "backoff")) {
                mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Warning, "BackOff",
                        "Back-off restarting failed container", c.name()));
                log.info("Back-off restarting failed container of static pod pod={} container={} exitCode={} "
                        + "backOff={} file={}", pod.key(), c.name(), c.exitCode(), e.backOff().toSeconds() + "s",
                        pod.file());
            }
        }
    }

    private static void quietly(PodKey key, String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeError e) {
            log.warn("Removing a dead instance failed; the next sync retries pod={} what={} error={}", key, what,
                    e.getMessage());
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
