package io.staticpod.agent.pod;

import io.staticpod.agent.clock.MonotonicClock;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The kubelet's PLEG: lists every container this agent owns (once a second by default), compares with the previous
 * list, and wakes the lane of each pod whose containers changed (started, exited, vanished). After the first full
 * scan of the manifests, containers of pod keys that no lane knows are orphans, left by manifests removed while the
 * agent was down: their removal is requested.
 *
 * <p>Assumptions and blind spots: a container that exits and is restarted by someone else within one period is seen
 * as changed only if its id or state changed. Not thread-safe: run from one scheduler thread.
 */
final class Relister {
    private static final Logger log = LoggerFactory.getLogger(Relister.class);

    private final ContainerRuntime runtime;
    private final Map<String, String> ownerSelector;
    private final PodWorkers workers;
    private final BooleanSupplier desiredSynced;

    private record Seen(PodKey key, String fingerprint) {
    }

    private Map<String, Seen> previous = Map.of(); // by container id
    private boolean failing;
    private Instant failingSince;
    private volatile Instant lastSuccess;

    private final MirrorClient mirror;

    private final Volumes volumes;

    /** @param volumes the pods' own state on disk: a pod's directory outlives it only until the first full scan */
    Relister(ContainerRuntime runtime, Map<String, String> ownerSelector, PodWorkers workers,
             BooleanSupplier desiredSynced, MirrorClient mirror, Volumes volumes) {
        this.mirror = mirror;
        this.volumes = volumes;
        this.runtime = runtime;
        this.ownerSelector = ownerSelector;
        this.workers = workers;
        this.desiredSynced = desiredSynced;
    }

    /** When the runtime last answered a relist, or null. */
    Instant lastSuccess() {
        return lastSuccess;
    }

    void relist() {
        List<ContainerInfo> all;
        try {
            all = runtime.list(ownerSelector);
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Container runtime does not answer; static pods are not watched until it answers again, "
                        + "then every pod is resynced runtime={} error={}", runtime.name(), e.getMessage());
                failing = true;
                failingSince = MonotonicClock.SYSTEM.instant();
                mirror.runtimeHealth(false, runtime.name() + " does not answer: " + e.getMessage());
            }
            return;
        }
        if (failing) {
            log.info("Container runtime answers again; resyncing every static pod runtime={} downFor={}s",
                    runtime.name(), java.time.Duration.between(failingSince, MonotonicClock.SYSTEM.instant()).toSeconds());
            failing = false;
            mirror.runtimeHealth(true, null);
            workers.wakeAll();
        }
        lastSuccess = MonotonicClock.SYSTEM.instant();
        Map<String, Seen> now = new HashMap<>();
        Set<PodKey> present = new HashSet<>();
        for (ContainerInfo c : all) {
            String ns = c.label(WellKnown.POD_NAMESPACE);
            String name = c.label(WellKnown.POD_NAME);
            if (ns == null || name == null) {
                continue;
            }
            PodKey key = new PodKey(ns, name);
            present.add(key);
            now.put(c.id(), new Seen(key, c.state() + "/" + c.exitCode() + "/" + c.startedAt()));
        }
        Set<PodKey> changed = new HashSet<>();
        now.forEach((id, seen) -> {
            Seen before = previous.get(id);
            if (before == null || !before.fingerprint().equals(seen.fingerprint())) {
                changed.add(seen.key());
            }
        });
        previous.forEach((id, seen) -> {
            if (!now.containsKey(id)) {
                changed.add(seen.key()); // removed by someone else: its lane decides what to do
            }
        });
        previous = now;
        boolean synced = desiredSynced.getAsBoolean();
        Set<PodKey> known = workers.keys();
        for (PodKey key : present) {
            if (!known.contains(key)) {
                if (synced) {
                    log.info("Removing containers of a static pod that no manifest defines any more pod={}", key);
                    workers.podRemoved(key);
                }
            } else if (changed.contains(key)) {
                workers.wake(key);
            }
        }
        for (PodKey key : changed) {
            if (!present.contains(key) && known.contains(key)) {
                workers.wake(key);
            }
        }
        if (synced) {
            removeOrphanedPodDirs(all);
        }
    }

    /**
     * Removes the state directory of every pod that no lane wants and that has no container left: an agent killed
     * between removing a pod's containers and its directory (or while the pod's manifest was removed) leaves one.
     * The directories are listed before the lanes are asked, so that a pod being created is never taken for one.
     */
    private void removeOrphanedPodDirs(List<ContainerInfo> all) {
        Set<String> dirs = new HashSet<>(volumes.podUids());
        if (dirs.isEmpty()) {
            return;
        }
        all.forEach(c -> dirs.remove(c.label(WellKnown.POD_UID)));
        dirs.removeAll(workers.uids());
        for (String uid : dirs) {
            log.info("Removing the state directory of a static pod that no longer exists uid={}", uid);
            volumes.cleanup(uid);
        }
    }
}
