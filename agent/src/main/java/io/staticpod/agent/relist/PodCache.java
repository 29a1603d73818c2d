package io.staticpod.agent.relist;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxStatus;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The latest {@link PodView} of every pod key, as the kubelet's pod cache: the relister fills it once a second, a
 * pod's lane reads it, and after acting the lane reads its pod again directly ({@link #refresh}) so that its next sync
 * sees what it did. An entry is only replaced by one listed later than it was: a relist that began before a lane's
 * refresh cannot bring back the state before the lane's action. An exit event {@linkplain #invalidate invalidates} the
 * pod's entry, so that its lane reads the runtime rather than a view from before the exit.
 *
 * <p>Also the sandboxes' addresses (a status call per sandbox, once). Thread-safe.
 */
public final class PodCache {
    private final ContainerRuntime runtime;
    private final Function<PodKey, Map<String, String>> podSelector;
    private final InstantSource clock;
    private final StatusCache statuses;
    private final Map<PodKey, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Optional<String>> addresses = new ConcurrentHashMap<>();

    /** @param view null: invalid since {@code listedAt}; read the runtime */
    private record Entry(PodView view, Instant listedAt) {
    }

    /**
     * @param podSelector the labels of everything of one pod key
     * @param clock       monotonic: when a list began
     */
    public PodCache(ContainerRuntime runtime, Function<PodKey, Map<String, String>> podSelector, InstantSource clock) {
        this.runtime = runtime;
        this.podSelector = podSelector;
        this.clock = clock;
        this.statuses = new StatusCache(runtime);
    }

    /** The pod's view: the cached one while valid, else read from the runtime now. */
    public PodView current(PodKey key) {
        Entry e = entries.get(key);
        return e != null && e.view() != null ? e.view() : refresh(key);
    }

    /**
     * Reads the pod from the runtime now (one list call, and statuses of containers not known in their state) and
     * caches it.
     *
     * @throws io.staticpod.runtime.spi.RuntimeError when the runtime fails; the entry is then invalid
     */
    public PodView refresh(PodKey key) {
        Instant listedAt = clock.instant();
        try {
            RuntimeSnapshot snapshot = runtime.snapshot(podSelector.apply(key));
            PodView view = new PodView(key, snapshot.sandboxes().stream().filter(s -> key.equals(keyOf(s))).toList(),
                    statuses.views(snapshot.containers().stream().filter(c -> key.equals(keyOf(c))).toList()));
            put(key, view, listedAt);
            return view;
        } catch (RuntimeException e) {
            invalidate(key);
            throw e;
        }
    }

    /** Something changed for this pod: its next read goes to the runtime. */
    public void invalidate(PodKey key) {
        entries.put(key, new Entry(null, clock.instant()));
    }

    /**
     * An exit event: the pod's next read goes to the runtime, and asks the container's status even while the list
     * still shows it running, until a status shows the exit ({@link #awaitingExit}).
     */
    public void exited(PodKey key, String containerId) {
        statuses.exited(containerId);
        invalidate(key);
    }

    /** The container was reported exited by an event and no read of the runtime has shown it yet. */
    public boolean awaitingExit(String containerId) {
        return statuses.awaitingExit(containerId);
    }

    /** The sandbox's address on the pod network, or null (on the node's network, none given, or gone). */
    public String sandboxIp(String sandboxId) {
        return addresses.computeIfAbsent(sandboxId, id -> runtime.sandboxes().status(id).map(SandboxStatus::ip))
                .orElse(null);
    }

    /** Caches {@code view} unless the entry there was listed later. */
    void put(PodKey key, PodView view, Instant listedAt) {
        entries.compute(key, (k, e) -> e != null && e.listedAt().isAfter(listedAt) ? e : new Entry(view, listedAt));
    }

    /** The full views of listed containers, statuses fetched only for changed ones (for the relister). */
    List<ContainerView> views(List<ContainerSummary> containers) {
        return statuses.views(containers);
    }

    /** Forgets pods, statuses and addresses the last full list no longer has (for the relister). */
    void retain(Set<PodKey> keys, Set<String> containerIds, Set<String> sandboxIds) {
        entries.keySet().retainAll(keys);
        statuses.retain(containerIds);
        addresses.keySet().retainAll(sandboxIds);
    }

    /** The pod key a sandbox or container belongs to, by the agent's labels; null for anything else. */
    static PodKey keyOf(Sandbox s) {
        return new PodKey(s.metadata().namespace(), s.metadata().name());
    }

    static PodKey keyOf(ContainerSummary c) {
        return keyOf(c.labels());
    }

    static PodKey keyOf(Map<String, String> labels) {
        String ns = labels.get(WellKnown.POD_NAMESPACE);
        String name = labels.get(WellKnown.POD_NAME);
        return ns == null || name == null ? null : new PodKey(ns, name);
    }
}
