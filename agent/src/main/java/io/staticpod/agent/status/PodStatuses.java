package io.staticpod.agent.status;

import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.probe.Prober;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a static pod's status from what the runtime reports, as the kubelet's status manager does: each
 * container's state and last state (reason, exit code, times, termination message), restart count, readiness from
 * the probes, the phase, the start time and the pod IP. Thread-safe.
 */
public final class PodStatuses {
    /** The kubelet's MaxContainerTerminationMessageLogLines and MaxContainerTerminationMessageLogLength. */
    static final int MESSAGE_LOG_LINES = 80;
    static final int MESSAGE_LOG_BYTES = 2048;
    private final String runtimeName;
    private final Prober prober;
    private final Volumes volumes;
    private final ContainerLogs logs;
    private final Map<String, String> fromLogs = new LinkedHashMap<>(16, 0.75f, true) { // by container id
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 256;
        }
    };

    /** A runtime without logs: no termination message from them. */
    public PodStatuses(String runtimeName, Prober prober, Volumes volumes) {
        this(runtimeName, prober, volumes, null);
    }

    /** @param logs the runtime's logs, for {@code FallbackToLogsOnError}; null when it keeps none the agent reads */
    public PodStatuses(String runtimeName, Prober prober, Volumes volumes, ContainerLogs logs) {
        this.runtimeName = runtimeName;
        this.prober = prober;
        this.volumes = volumes;
        this.logs = logs;
    }

    /**
     * @param ours          the containers of this pod version (its UID)
     * @param podIp         the sandbox's address, or null (host network: the mirror client uses the node's)
     * @param waiting       containers that should run and do not, with why (CrashLoopBackOff, ErrImagePull …)
     * @param manifestError the file's errors when its last good version is what runs, or null
     */
    public PodStatus build(StaticPod pod, List<ContainerView> ours, String podIp, Map<String, PodStatus.Waiting> waiting,
                           String manifestError) {
        RestartPolicy policy = pod.pod().spec().restartPolicy();
        List<PodStatus.ContainerStatus> inits = new ArrayList<>();
        boolean initsDone = true;
        for (Container c : pod.pod().spec().initContainers()) {
            PodStatus.ContainerStatus s = status(c, ours, waiting, "PodInitializing", true);
            inits.add(s);
            initsDone &= s.state() instanceof PodStatus.Terminated t && t.exitCode() == 0;
        }
        List<PodStatus.ContainerStatus> apps = new ArrayList<>();
        for (Container c : pod.pod().spec().containers()) {
            apps.add(status(c, ours, waiting, initsDone ? "ContainerCreating" : "PodInitializing", false));
        }
        Instant start = ours.stream().map(ContainerView::createdAt).filter(Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
        return new PodStatus(pod.uid(), phase(policy, inits, apps, initsDone), start, podIp, inits, apps,
                manifestError);
    }

    private PodStatus.ContainerStatus status(Container c, List<ContainerView> ours,
                                             Map<String, PodStatus.Waiting> waiting, String creating, boolean init) {
        List<ContainerView> instances = ours.stream().filter(i -> c.name().equals(i.name()))
                .sorted(ContainerView.NEWEST_FIRST).toList();
        ContainerView latest = instances.isEmpty() ? null : instances.get(0);
        ContainerView previous = instances.size() > 1 ? instances.get(1) : null;
        PodStatus.Waiting why = waiting.get(c.name());
        if (latest == null) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), null, null,
                    why != null ? why : new PodStatus.Waiting(creating, null), null, false, false, 0);
        }
        int restarts = latest.attempt();
        String id = runtimeName + "://" + latest.id();
        String imageRef = latest.status().imageRef();
        String imageId = imageRef == null ? null : runtimeName + "-pullable://" + imageRef;
        if (latest.running()) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id,
                    new PodStatus.Running(latest.status().startedAt()), terminated(previous),
                    !init && prober.ready(latest.id(), c), prober.started(latest.id(), c), restarts);
        }
        PodStatus.State last = terminated(latest);
        if (why != null) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id, why, last, false, false, restarts);
        }
        if (last == null) { // created, not started yet
            return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id,
                    new PodStatus.Waiting(creating, null), terminated(previous), false, false, restarts);
        }
        return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id, last, terminated(previous), false,
                false, restarts);
    }

    private PodStatus.State terminated(ContainerView c) {
        if (c == null || c.running() || c.state() == ContainerState.CREATED) {
            return null;
        }
        String reason = c.status().reason();
        if (c.state() != ContainerState.EXITED || "StartError".equals(reason)) {
            reason = "ContainerCannotRun";
        } else if (reason == null || reason.isEmpty()) {
            reason = c.exitCode() == 0 ? "Completed" : "Error";
        }
        String message = c.status().message();
        String written = volumes.terminationMessage(c.podUid(), c.name(), c.attempt());
        if (!written.isEmpty()) {
            message = written;
        } else if (c.exitCode() != 0 && "FallbackToLogsOnError".equals(c.terminationMessagePolicy())) {
            String tail = lastOfLog(c.id());
            message = tail.isEmpty() ? message : tail;
        }
        return new PodStatus.Terminated(c.exitCode(), reason, message, c.status().startedAt(), c.finishedAt(),
                runtimeName + "://" + c.id());
    }

    /**
     * The end of an exited container's log, as the kubelet's {@code FallbackToLogsOnError} takes it: its last 80
     * lines, at most their last 2048 bytes; read once per container (an exited container's log no longer grows),
     * "" when there are no logs to read.
     */
    private String lastOfLog(String containerId) {
        if (logs == null) {
            return "";
        }
        synchronized (fromLogs) {
            String known = fromLogs.get(containerId);
            if (known != null) {
                return known;
            }
        }
        ByteArrayOutputStream tail = new ByteArrayOutputStream();
        try (LogReader reader = logs.open(containerId, new LogOptions(false, MESSAGE_LOG_LINES, null))) {
            for (LogReader.LogLine line = reader.next(); line != null; line = reader.next()) {
                tail.writeBytes(line.bytes());
                if (!line.partial()) {
                    tail.write('\n');
                }
            }
        } catch (IOException | RuntimeError e) {
            return "";
        }
        byte[] all = tail.toByteArray();
        int from = Math.max(0, all.length - MESSAGE_LOG_BYTES);
        String message = new String(all, from, all.length - from, StandardCharsets.UTF_8);
        if (!message.isEmpty()) {
            synchronized (fromLogs) {
                fromLogs.put(containerId, message);
            }
        }
        return message;
    }

    /** The kubelet's getPhase, for the container states we report. */
    private static PodStatus.Phase phase(RestartPolicy policy, List<PodStatus.ContainerStatus> inits,
                                         List<PodStatus.ContainerStatus> apps, boolean initsDone) {
        if (!initsDone) {
            boolean initFailed = inits.stream().anyMatch(s -> s.state() instanceof PodStatus.Terminated t
                    && t.exitCode() != 0);
            return initFailed && policy == RestartPolicy.Never ? PodStatus.Phase.Failed : PodStatus.Phase.Pending;
        }
        int running = 0;
        int waiting = 0;
        int succeeded = 0;
        int failed = 0;
        for (PodStatus.ContainerStatus s : apps) {
            if (s.state() instanceof PodStatus.Running) {
                running++;
            } else if (s.state() instanceof PodStatus.Terminated t) {
                if (t.exitCode() == 0) {
                    succeeded++;
                } else {
                    failed++;
                }
            } else if (s.lastState() instanceof PodStatus.Terminated) {
                running++; // restarting after a crash: the pod runs, as the kubelet reports it
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return PodStatus.Phase.Pending;
        }
        if (running > 0) {
            return PodStatus.Phase.Running;
        }
        if (failed == 0) {
            return policy == RestartPolicy.Always ? PodStatus.Phase.Running : PodStatus.Phase.Succeeded;
        }
        return policy == RestartPolicy.Never ? PodStatus.Phase.Failed : PodStatus.Phase.Running;
    }
}
