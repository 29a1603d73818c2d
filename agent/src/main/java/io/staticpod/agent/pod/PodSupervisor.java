package io.staticpod.agent.pod;

import io.staticpod.agent.desired.DesiredChange;
import io.staticpod.agent.launch.Volumes;
import io.staticpod.agent.relist.ContainerView;
import io.staticpod.agent.relist.PodCache;
import io.staticpod.agent.relist.Relister;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The pod layer's front: takes each {@link DesiredChange} on the reconcile thread and hands it to the pod lanes,
 * publishes the desired pods (and those still stopping) to the mirror client, and decides — on the reconcile thread
 * too — what to do about what the relister finds that no manifest wants. Its parts are built by the daemon's wiring
 * ({@code StaticPodAgent}) and handed in; it only binds the two loops back to itself (a lane that finished stopping a
 * pod: {@link PodWorkers#whenTerminated}; a relist that found something: {@link Relister#listen}).
 */
public final class PodSupervisor implements Relister.Listener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSupervisor.class);

    private final PodThreads threads;
    private final PodWorkers workers;
    private final Relister relister;
    private final Volumes volumes;
    private final MirrorClient mirror;
    private final ManifestErrors manifestErrors;
    private final Executor reconcile;
    private final PodCache cache;
    private volatile Map<PodKey, StaticPod> desired = Map.of();
    /** True once every source has been seen whole; read and written on the reconcile thread only. */
    private boolean allSourcesSeen;

    /**
     * @param threads   the pod layer's threads, which {@code workers} run on
     * @param workers   the pod lanes, not yet given any pod; told here what to call when a pod finished stopping
     * @param relister  the relister, not started; told here to report to this supervisor. Its pod cache is read for
     *                  the instances the node API streams to
     * @param reconcile the reconcile thread, where desired changes arrive and orphans are decided
     */
    public PodSupervisor(PodThreads threads, PodWorkers workers, Relister relister, Volumes volumes,
                         MirrorClient mirror, ManifestErrors manifestErrors, Executor reconcile) {
        this.threads = threads;
        this.volumes = volumes;
        this.mirror = mirror;
        this.manifestErrors = manifestErrors;
        this.reconcile = reconcile;
        this.workers = workers;
        this.relister = relister;
        this.cache = relister.cache();
        workers.whenTerminated(this::publishMirrors);
        relister.listen(this);
    }

    /** Starts relisting every {@code relistPeriod} and resyncing every pod every {@code resyncPeriod}. */
    public void start(Duration relistPeriod, Duration resyncPeriod) {
        relister.start(relistPeriod);
        threads.timer().scheduleWithFixedDelay(workers::wakeAll, resyncPeriod.toMillis(), resyncPeriod.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * On the reconcile thread: the lanes get the removed, added and updated pods, the pods with manifest errors are
     * synced again (their status shows the error), the mirror client gets the desired pods. Once every source has
     * been seen, the runtime is relisted at once, so that orphans are found without waiting.
     */
    public void apply(DesiredChange change) {
        manifestErrors.replace(change.manifestErrors());
        change.applyTo(workers);
        change.manifestErrors().keySet().forEach(workers::wake);
        desired = change.pods();
        publishMirrors();
        if (change.allSourcesSeen() && !allSourcesSeen) {
            allSourcesSeen = true;
            relister.relistSoon();
        }
    }

    /** Lanes run a sync: wake the lane of {@code key} (a probe result), if it has one. */
    public boolean wake(PodKey key) {
        return workers.wake(key);
    }

    /**
     * The desired static pods, for their mirrors: the mirror client also gets every pod that is still stopping,
     * so a mirror stays until its pod's containers are gone (after the grace period), as with the kubelet.
     */
    private synchronized void publishMirrors() {
        Map<PodKey, StaticPod> all = new HashMap<>(desired);
        workers.terminating().forEach(all::putIfAbsent);
        mirror.desiredPods(all);
    }

    /**
     * The running instance of container {@code name} of this version of the pod (its UID), as the pod cache has it
     * (read from the runtime when the cache holds no valid view): where {@code kubectl exec} and {@code attach} go.
     *
     * @throws io.staticpod.runtime.spi.RuntimeError when the runtime had to be read and failed
     */
    public Optional<String> runningContainer(StaticPod pod, String name) {
        return cache.current(pod.key()).containersOf(pod.uid()).stream()
                .filter(c -> c.name().equals(name) && c.running())
                .sorted(ContainerView.NEWEST_FIRST).map(ContainerView::id).findFirst();
    }

    /** The ready sandbox of this version of the pod, the newest if several, as the pod cache has it. */
    public Optional<String> readySandbox(StaticPod pod) {
        return cache.current(pod.key()).sandboxesOf(pod.uid()).stream().filter(Sandbox::ready)
                .max(Comparator.comparing(Sandbox::createdAt)).map(Sandbox::id);
    }

    @Override
    public void changed(PodKey key) {
        workers.wake(key);
    }

    @Override
    public void resyncAll() {
        workers.wakeAll();
    }

    /** Called on the relister's thread: the decision is the reconcile thread's, as every desired change is. */
    @Override
    public void relisted(Set<PodKey> present, Set<String> uids) {
        reconcile.execute(() -> removeOrphans(present, uids));
    }

    /**
     * After every source was seen whole: pods in the runtime that no lane knows were left by manifests removed while
     * the agent was down, and are removed through their lane; so are state directories of pods that are neither
     * wanted nor present. The directories are listed before the lanes are asked, so that a pod being created is
     * never taken for one.
     */
    private void removeOrphans(Set<PodKey> present, Set<String> uids) {
        if (!allSourcesSeen) {
            return;
        }
        Set<String> dirs = new HashSet<>(volumes.podUids());
        Set<PodKey> known = workers.keys();
        for (PodKey key : present) {
            if (!known.contains(key)) {
                log.info("Removing containers of a static pod that no manifest defines any more pod={}", key);
                workers.podRemoved(key);
            }
        }
        dirs.removeAll(uids);
        dirs.removeAll(workers.uids());
        for (String uid : dirs) {
            log.info("Removing the state directory of a static pod that no longer exists uid={}", uid);
            volumes.cleanup(uid);
        }
    }

    /** Stops the relister and the pod threads; containers keep running, as when the kubelet stops. */
    @Override
    public void close() {
        relister.close();
        threads.close();
    }
}
