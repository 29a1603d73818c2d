package io.staticpod.agent.pod;

import io.staticpod.agent.probe.Prober;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.PullPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One pass of a pod's sync: compares what the runtime has for a pod key with what should run, and acts. Stateless
 * between passes except for the crash back-off and what was already logged, so a restarted agent adopts what runs.
 *
 * <p>Order of work, as the kubelet's: containers of any other version of the pod (another UID) are stopped and
 * removed first, so an old and a new version never overlap; then the sandbox; then init containers, one at a time,
 * each to success; then the app containers, each restarted per {@code restartPolicy} with the crash back-off.
 *
 * <p>Thread-safe, but meant to be called for one key by one thread at a time (the pod's lane).
 */
final class PodSync {
    private static final Logger log = LoggerFactory.getLogger(PodSync.class);
    /** Instances of one container, the newest (highest restart count, then latest created) first. */
    static final Comparator<ContainerInfo> NEWEST_FIRST = Comparator
            .comparingInt(PodSync::attempt).reversed()
            .thenComparing(ContainerInfo::createdAt, Comparator.nullsFirst(Comparator.reverseOrder()));

    private final ContainerRuntime runtime;
    private final LaunchSpecs specs;
    private final Volumes volumes;
    private final CrashBackoff backoff;
    private final InstantSource clock;
    private final PodKiller killer;
    private final MirrorClient mirror;
    private final PodStatuses statuses;
    private final Function<PodKey, String> manifestErrors;
    private final Prober prober;
    private final String nodeAddress;
    private final ContainerStarter starter;
    private final PresentImages images;
    /** Containers whose exit was already logged, by container id. */
    private final Set<String> exitLogged = ConcurrentHashMap.newKeySet();
    /** Start attempts that failed before a container existed, by back-off key. */
    private final Map<String, Instant> startFailures = new ConcurrentHashMap<>();
    /** Why the last start failed, by back-off key, for the status while it backs off. */
    private final Map<String, PodStatus.Waiting> lastStartError = new ConcurrentHashMap<>();

    /** What one sync did and could not do, for the status it reports. */
    private static final class Pass {
        boolean acted;
        final Map<String, PodStatus.Waiting> waiting = new HashMap<>();
    }

    /**
     * @param mirror         receives the pod's status and events (the no-op client in standalone mode)
     * @param manifestErrors the current manifest error of a pod whose last good version runs, or null
     */
    PodSync(ContainerRuntime runtime, LaunchSpecs specs, Volumes volumes, CrashBackoff backoff, InstantSource clock,
            PodKiller killer, MirrorClient mirror, Function<PodKey, String> manifestErrors, Prober prober,
            String nodeAddress) {
        this.mirror = mirror;
        this.prober = prober;
        this.nodeAddress = nodeAddress;
        this.statuses = new PodStatuses(runtime.name(), prober, volumes);
        this.images = new PresentImages(runtime);
        this.starter = new ContainerStarter(runtime, specs, mirror, images);
        specs.terminationLogs(volumes);
        this.manifestErrors = manifestErrors;
        this.runtime = runtime;
        this.specs = specs;
        this.volumes = volumes;
        this.backoff = backoff;
        this.clock = clock;
        this.killer = killer;
    }

    /**
     * Brings the runtime in line with {@code desired} for this key ({@code null}: nothing should run).
     *
     * @return when this pod must be looked at again at the latest (a back-off ending), or null
     */
    Instant sync(PodKey key, StaticPod desired) {
        List<ContainerInfo> actual = runtime.list(specs.podSelector(key.namespace(), key.name()));
        String uid = desired == null ? null : desired.uid();
        List<ContainerInfo> stale = actual.stream().filter(c -> !c.labels().getOrDefault(WellKnown.POD_UID, "")
                .equals(uid)).toList();
        if (!stale.isEmpty()) {
            killer.kill(key, stale, desired == null ? "its manifest was removed" : "its manifest changed");
            stale.stream().map(c -> c.label(WellKnown.POD_UID)).distinct().forEach(old -> {
                if (old != null) {
                    volumes.cleanup(old);
                    backoff.forget(old + "/");
                    startFailures.keySet().removeIf(k -> k.startsWith(old + "/"));
                    lastStartError.keySet().removeIf(k -> k.startsWith(old + "/"));
                }
            });
            stale.forEach(c -> exitLogged.remove(c.id()));
        }
        if (desired == null) {
            prober.retain(key, Set.of());
            return null;
        }
        List<ContainerInfo> ours = actual.stream().filter(c -> uid.equals(c.label(WellKnown.POD_UID))).toList();
        Pass pass = new Pass();
        pass.acted = !stale.isEmpty();
        try {
            return reconcile(key, desired, ours, pass);
        } finally {
            report(key, desired, ours, pass);
        }
    }

    private Instant reconcile(PodKey key, StaticPod desired, List<ContainerInfo> ours, Pass pass) {
        String sandboxId = null;
        String podIp = null;
        if (!desired.pod().spec().hostNetwork()) {
            ContainerInfo sandbox = ensureSandbox(desired, ours, pass);
            sandboxId = sandbox.id();
            podIp = sandbox.ipAddress();
        }
        Target target = new Target(sandboxId, podIp);
        Map<String, Path> volumePaths;
        try {
            volumePaths = volumes.prepare(desired);
        } catch (Volumes.VolumeException e) {
            desired.pod().spec().containers().forEach(c -> pass.waiting.put(c.name(),
                    new PodStatus.Waiting("CreateContainerConfigError", e.getMessage())));
            throw new IllegalStateException("cannot prepare volumes: " + e.getMessage(), e);
        }
        Instant wake = null;
        for (Container c : desired.pod().spec().initContainers()) {
            ContainerInfo latest = newest(key, ours, c.name(), sandboxId);
            if (latest != null && latest.state() == ContainerInfo.State.EXITED && latest.exitCode() == 0) {
                continue; // done
            }
            if (latest != null && latest.running()) {
                return null; // the relister wakes us when it exits
            }
            if (latest != null && desired.pod().spec().restartPolicy() == RestartPolicy.Never) {
                logExit(key, latest, "the pod failed: restartPolicy is Never");
                return null;
            }
            return startOrBackOff(desired, c, latest, target, volumePaths, pass);
        }
        for (Container c : desired.pod().spec().containers()) {
            ContainerInfo latest = newest(key, ours, c.name(), null);
            if (latest != null && latest.running()) {
                boolean sandboxOk = sandboxId == null || sandboxId.equals(latest.label(WellKnown.SANDBOX_ID));
                boolean specOk = PodIdentity.containerHash(c).equals(latest.label(WellKnown.CONTAINER_HASH));
                if (sandboxOk && specOk) {
                    continue;
                }
                // in a sandbox that is gone its network is gone too; a changed spec (a manifest pinning its
                // metadata.uid keeps its UID across edits) needs a new container, as the kubelet's hash check
                killer.kill(key, List.of(latest), sandboxOk ? "its spec changed" : "its sandbox was replaced");
                wake = earliest(wake, tryStart(desired, c, attempt(latest) + 1, target, volumePaths, pass));
                continue;
            }
            if (latest != null && !shouldRestart(desired.pod().spec().restartPolicy(), latest)) {
                logExit(key, latest, "not restarted: restartPolicy is " + desired.pod().spec().restartPolicy());
                continue;
            }
            wake = earliest(wake, startOrBackOff(desired, c, latest, target, volumePaths, pass));
        }
        return wake;
    }

    /** Sends the pod's status; after a pass that changed containers, from a fresh list. Never throws. */
    private void report(PodKey key, StaticPod pod, List<ContainerInfo> ours, Pass pass) {
        try {
            List<ContainerInfo> now = ours;
            if (pass.acted) {
                now = runtime.list(specs.podSelector(key.namespace(), key.name())).stream()
                        .filter(c -> pod.uid().equals(c.label(WellKnown.POD_UID))).toList();
            }
            probe(key, pod, now);
            mirror.podStatus(key, statuses.build(pod, now, pass.waiting, manifestErrors.apply(key)));
        } catch (RuntimeException e) {
            log.debug("No status for static pod this time pod={} error={}", key, e.toString());
        }
    }

    /** Keeps the probes in step with the running app containers. */
    private void probe(PodKey key, StaticPod pod, List<ContainerInfo> now) {
        String host = pod.pod().spec().hostNetwork() ? nodeAddress : now.stream()
                .filter(c -> WellKnown.TYPE_SANDBOX.equals(c.label(WellKnown.CONTAINER_TYPE)))
                .filter(ContainerInfo::running).map(ContainerInfo::ipAddress)
                .filter(java.util.Objects::nonNull).findFirst().orElse(null); // none on containerd (no CNI)
        Set<String> running = new java.util.HashSet<>();
        for (Container c : pod.pod().spec().containers()) {
            now.stream().filter(ContainerInfo::running)
                    .filter(i -> WellKnown.TYPE_CONTAINER.equals(i.label(WellKnown.CONTAINER_TYPE)))
                    .filter(i -> c.name().equals(i.label(WellKnown.CONTAINER_NAME)))
                    .forEach(i -> {
                        running.add(i.id());
                        prober.track(key, c, i.id(), i.startedAt(), host);
                    });
        }
        prober.retain(key, running);
    }

    private static boolean shouldRestart(RestartPolicy policy, ContainerInfo exited) {
        return switch (policy) {
            case Always -> true;
            case OnFailure -> !(exited.state() == ContainerInfo.State.EXITED && exited.exitCode() == 0);
            case Never -> false;
        };
    }

    /** Starts the container (again) now, or returns when its back-off ends. */
    private Instant startOrBackOff(StaticPod pod, Container c, ContainerInfo latest, Target target,
                                   Map<String, Path> volumePaths, Pass pass) {
        String key = pod.uid() + "/" + c.name();
        Instant failedAt = startFailures.get(key);
        int attempt = 0;
        if (latest != null || failedAt != null) {
            Instant finishedAt = latest == null ? failedAt
                    : latest.finishedAt() != null ? latest.finishedAt() : latest.createdAt();
            if (failedAt != null && (finishedAt == null || failedAt.isAfter(finishedAt))) {
                finishedAt = failedAt;
            }
            CrashBackoff.Decision d = backoff.next(key, finishedAt);
            if (d instanceof CrashBackoff.Decision.Wait wait) {
                String message = "back-off " + wait.delay().toSeconds() + "s restarting failed container="
                        + c.name() + " pod=" + pod.key().name() + "_" + pod.key().namespace() + "(" + pod.uid() + ")";
                PodStatus.Waiting failed = latest == null && failedAt != null ? lastStartError.get(key) : null;
                pass.waiting.put(c.name(), failed == null ? new PodStatus.Waiting("CrashLoopBackOff", message)
                        // as the kubelet: a pull that failed shows ImagePullBackOff while it waits to retry
                        : new PodStatus.Waiting("ErrImagePull".equals(failed.reason()) ? "ImagePullBackOff"
                        : failed.reason(), failed.message()));
                if (latest != null && exitLogged.add(latest.id() + "/backoff")) {
                    mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Warning, "BackOff",
                            "Back-off restarting failed container", c.name()));
                    log.info("Back-off restarting failed container of static pod pod={} container={} exitCode={} "
                                    + "backOff={} restartAt={} file={}", pod.key(), c.name(), latest.exitCode(),
                            wait.delay().toSeconds() + "s", wait.until(), pod.file());
                }
                return wait.until();
            }
            if (latest != null) {
                attempt = attempt(latest) + 1;
                logExit(pod.key(), latest, "restarting, restartCount=" + attempt);
            }
        }
        return tryStart(pod, c, attempt, target, volumePaths, pass);
    }

    /** Starts the container; on failure, records it for the back-off and returns when to look again. */
    private Instant tryStart(StaticPod pod, Container c, int attempt, Target target,
                             Map<String, Path> volumePaths, Pass pass) {
        String key = pod.uid() + "/" + c.name();
        pass.acted = true;
        try {
            starter.start(pod, c, attempt, target.sandboxId(), target.podIp(), volumePaths);
            startFailures.remove(key);
            lastStartError.remove(key);
            return null;
        } catch (RuntimeException | Volumes.VolumeException e) {
            startFailures.put(key, clock.instant());
            PodStatus.Waiting why = new PodStatus.Waiting(e instanceof ContainerStarter.ImageUnavailable ? "ErrImagePull"
                    : e instanceof Volumes.VolumeException ? "CreateContainerConfigError" : "RunContainerError",
                    e.getMessage());
            lastStartError.put(key, why);
            pass.waiting.put(c.name(), why);
            mirror.podEvent(pod.key(), new PodEvent(PodEvent.Type.Warning, "Failed", e.getMessage(), c.name()));
            log.warn("Failed to start container of static pod; will retry with back-off pod={} container={} "
                    + "image={} error={}", pod.key(), c.name(), c.image(), e.getMessage());
            return clock.instant().plus(Duration.ofSeconds(1));
        }
    }

    /** The sandbox app containers join (null for a host-network pod) and its address. */
    private record Target(String sandboxId, String podIp) {
    }

    private ContainerInfo ensureSandbox(StaticPod pod, List<ContainerInfo> ours, Pass pass) {
        List<ContainerInfo> sandboxes = ours.stream()
                .filter(c -> WellKnown.TYPE_SANDBOX.equals(c.label(WellKnown.CONTAINER_TYPE)))
                .sorted(NEWEST_FIRST).toList();
        ContainerInfo running = sandboxes.stream().filter(ContainerInfo::running).findFirst().orElse(null);
        if (running != null) {
            List<ContainerInfo> extra = sandboxes.stream().filter(s -> s != running).toList();
            if (!extra.isEmpty()) {
                killer.kill(pod.key(), extra, "an older sandbox is not needed");
            }
            return running;
        }
        List<ContainerInfo> runningApps = ours.stream().filter(ContainerInfo::running)
                .filter(c -> !WellKnown.TYPE_SANDBOX.equals(c.label(WellKnown.CONTAINER_TYPE))).toList();
        if (!runningApps.isEmpty()) {
            killer.kill(pod.key(), runningApps, "its sandbox is not running");
        }
        pass.acted = true;
        sandboxes.forEach(s -> runtime.remove(s.id()));
        int attempt = sandboxes.isEmpty() ? 0 : attempt(sandboxes.get(0)) + 1;
        images.ensure(specs.sandboxImage(), PullPolicy.IF_NOT_PRESENT);
        LaunchSpec spec = specs.sandbox(pod, attempt);
        String id;
        try {
            id = runtime.start(spec);
        } catch (RuntimeException e) {
            images.forget(specs.sandboxImage());
            throw e;
        }
        log.info("Created sandbox of static pod pod={} id={} attempt={} file={}", pod.key(), shortId(id), attempt,
                pod.file());
        if (!pod.manifest().toString().contains("status.podIP")) {
            // nothing needs the address before the containers start: spare the runtime a round trip
            Instant now = clock.instant();
            return new ContainerInfo(id, spec.name(), spec.image(), null, spec.labels(), ContainerInfo.State.RUNNING,
                    0, false, now, now, null, null, null);
        }
        return runtime.inspect(id).orElseThrow(() -> new IllegalStateException("sandbox " + id + " vanished"));
    }

    /**
     * The newest instance of a container (in the given sandbox, when not null); older dead ones are removed, and an
     * older one still running is stopped: two instances run at once only when an agent died while its {@code start}
     * was under way and the restarted agent, seeing it not yet running, started the next attempt.
     */
    private ContainerInfo newest(PodKey key, List<ContainerInfo> ours, String name, String sandboxId) {
        List<ContainerInfo> instances = ours.stream()
                .filter(c -> WellKnown.TYPE_CONTAINER.equals(c.label(WellKnown.CONTAINER_TYPE)))
                .filter(c -> name.equals(c.label(WellKnown.CONTAINER_NAME)))
                .filter(c -> sandboxId == null || sandboxId.equals(c.label(WellKnown.SANDBOX_ID)))
                .sorted(NEWEST_FIRST).toList();
        if (instances.isEmpty()) {
            return null;
        }
        // keep the newest dead instance for its logs (kubectl logs --previous), as the kubelet's container GC does
        boolean keptOneDead = !instances.get(0).running();
        List<ContainerInfo> duplicates = instances.subList(1, instances.size()).stream()
                .filter(ContainerInfo::running).toList();
        if (!duplicates.isEmpty()) {
            killer.kill(key, duplicates, "a newer instance of container " + name + " exists");
            duplicates.forEach(d -> exitLogged.remove(d.id()));
        }
        for (ContainerInfo old : instances.subList(1, instances.size())) {
            if (old.running()) {
                continue; // stopped and removed above
            } else if (!keptOneDead) {
                keptOneDead = true;
            } else {
                runtime.remove(old.id());
                exitLogged.remove(old.id());
                exitLogged.remove(old.id() + "/backoff");
            }
        }
        return instances.get(0);
    }

    private void logExit(PodKey key, ContainerInfo c, String outcome) {
        if (exitLogged.add(c.id())) {
            String reason = c.oomKilled() ? "OOMKilled" : c.state() == ContainerInfo.State.EXITED
                    ? (c.exitCode() == 0 ? "Completed" : "Error") : "StartError";
            log.info("Container of static pod exited pod={} container={} exitCode={} reason={} outcome=\"{}\" "
                            + "file={}{}", key, c.label(WellKnown.CONTAINER_NAME), c.exitCode(), reason, outcome,
                    c.label(WellKnown.SOURCE_FILE_LABEL),
                    c.error() == null || c.error().isEmpty() ? "" : " error=" + c.error());
        }
    }

    static int attempt(ContainerInfo c) {
        try {
            return Integer.parseInt(c.labels().getOrDefault(WellKnown.CONTAINER_RESTART_COUNT, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
