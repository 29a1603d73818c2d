package io.staticpod.agent.pod;

import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.ContainerInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes a static pod's status from what the runtime reports, as the kubelet's status manager does: each
 * container's state and last state, restart count, the phase, the start time and the pod IP.
 */
final class PodStatuses {

    private final String runtimeName;
    private final Prober prober;

    private final Volumes volumes;

    PodStatuses(String runtimeName, Prober prober, Volumes volumes) {
        this.runtimeName = runtimeName;
        this.prober = prober;
        this.volumes = volumes;
    }

    /**
     * @param ours          the containers of this pod version (its UID)
     * @param waiting       containers the sync could not start now, with why (CrashLoopBackOff, ErrImagePull …)
     * @param manifestError the file's errors when its last good version is what runs, or null
     */
    PodStatus build(StaticPod pod, List<ContainerInfo> ours, Map<String, PodStatus.Waiting> waiting,
                    String manifestError) {
        RestartPolicy policy = pod.pod().spec().restartPolicy();
        ContainerInfo sandbox = ours.stream()
                .filter(c -> WellKnown.TYPE_SANDBOX.equals(c.label(WellKnown.CONTAINER_TYPE)))
                .filter(ContainerInfo::running).findFirst().orElse(null);
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
        Instant start = ours.stream().map(ContainerInfo::createdAt).filter(Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
        String podIp = sandbox == null ? null : sandbox.ipAddress();
        return new PodStatus(pod.uid(), phase(policy, inits, apps, initsDone), start, podIp, inits, apps,
                manifestError);
    }

    private PodStatus.ContainerStatus status(Container c, List<ContainerInfo> ours,
                                             Map<String, PodStatus.Waiting> waiting, String creating,
                                             boolean init) {
        List<ContainerInfo> instances = ours.stream()
                .filter(i -> WellKnown.TYPE_CONTAINER.equals(i.label(WellKnown.CONTAINER_TYPE)))
                .filter(i -> c.name().equals(i.label(WellKnown.CONTAINER_NAME)))
                .sorted(PodSync.NEWEST_FIRST).toList();
        ContainerInfo latest = instances.isEmpty() ? null : instances.get(0);
        ContainerInfo previous = instances.size() > 1 ? instances.get(1) : null;
        PodStatus.Waiting why = waiting.get(c.name());
        int restarts = latest == null ? 0 : PodSync.attempt(latest);
        if (latest == null) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), null, null,
                    why != null ? why : new PodStatus.Waiting(creating, null), null, false, false, 0);
        }
        String id = runtimeName + "://" + latest.id();
        String imageId = latest.imageId() == null ? null : runtimeName + "-pullable://" + latest.imageId();
        if (latest.running()) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id,
                    new PodStatus.Running(latest.startedAt()), terminated(previous),
                    !init && prober.ready(latest.id(), c), prober.started(latest.id(), c), restarts);
        }
        PodStatus.State last = terminated(latest);
        if (why != null) {
            return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id, why, last, false, false,
                    restarts);
        }
        return new PodStatus.ContainerStatus(c.name(), c.image(), imageId, id, last, terminated(previous), false,
                false, restarts);
    }

    private PodStatus.State terminated(ContainerInfo c) {
        if (c == null || c.running()) {
            return null;
        }
        String reason;
        if (c.state() != ContainerInfo.State.EXITED) {
            reason = "ContainerCannotRun";
        } else if (c.oomKilled()) {
            reason = "OOMKilled";
        } else {
            reason = c.exitCode() == 0 ? "Completed" : "Error";
        }
        String message = c.error();
        String uid = c.label(WellKnown.POD_UID);
        String name = c.label(WellKnown.CONTAINER_NAME);
        if (uid != null && name != null) {
            String written = volumes.terminationMessage(uid, name, PodSync.attempt(c));
            if (!written.isEmpty()) {
                message = written;
            }
        }
        return new PodStatus.Terminated(c.exitCode(), reason, message, c.startedAt(), c.finishedAt(),
                runtimeName + "://" + c.id());
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
