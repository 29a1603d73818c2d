package io.staticpod.agent.relist;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The kubelet's PLEG: one {@link ContainerRuntime#snapshot} of everything this agent owns every period, on a thread
 * of its own (a hung list delays nothing else), compared with the previous one by ids and states; for each pod that
 * changed, the statuses of its changed containers are fetched, its {@link PodView} cached and its lane woken. In the
 * steady state a relist is that one list call and nothing else. Where the runtime streams exits, an exit wakes its pod
 * at once (its cached view invalidated first, the container's status asked whatever the list says); while the runtime
 * does not show the exit yet, the pod is read again 10, 30, 70, 150 and 310 ms after the event; a gap in the stream
 * triggers a relist.
 *
 * <p>It only observes: what to do about pods no manifest wants is the listener's decision. It exposes the runtime's
 * health ({@link #health()}, read by whoever needs it): down at the first failed list, up again at the first list
 * that succeeds, and then every pod is resynced.
 *
 * <p>Assumptions and blind spots: a container that exits and is replaced by someone else within one period is seen
 * as changed only if its id or state changed. Relists run on one thread; {@link #health()} may be read by any.
 */
public final class Relister implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Relister.class);

    /** What the relister tells the pod layer. Called on the relist thread, or an event thread; must not block. */
    public interface Listener {
        /** Something of this pod changed in the runtime: sync it. */
        void changed(PodKey key);

        /** A full list succeeded: every pod key and pod UID the runtime has of this agent's. */
        void relisted(Set<PodKey> present, Set<String> uids);

        /** The runtime answers again after it did not: sync every pod. */
        void resyncAll();
    }

    /** Milliseconds after an exit event at which its pod is read again while the runtime does not show the exit. */
    private static final long[] LOOK_AGAIN = {10, 30, 70, 150, 310};

    private final ContainerRuntime runtime;
    private final Map<String, String> ownerSelector;
    private final PodCache cache;
    private final InstantSource clock;
    private volatile Listener listener;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "relist");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean soon = new AtomicBoolean();
    /** Written on the relist thread only; read by anyone. */
    private volatile RuntimeHealth health;
    private volatile AutoCloseable events;
    // confined to the relist thread
    private Map<PodKey, String> previous = Map.of();

    /**
     * @param cache the pod cache this relister fills, which the lanes read
     * @param clock monotonic
     */
    public Relister(ContainerRuntime runtime, Map<String, String> ownerSelector, PodCache cache, InstantSource clock) {
        this.runtime = runtime;
        this.ownerSelector = Map.copyOf(ownerSelector);
        this.cache = cache;
        this.clock = clock;
        this.health = RuntimeHealth.starting(clock.instant());
    }

    /**
     * Whom to tell what the relist finds: the pod layer binds itself, once, before anything is relisted (the
     * listener is the pod layer, which is built after this relister: the one loop back of the wiring).
     *
     * @throws IllegalStateException when a listener is bound already
     */
    public synchronized void listen(Listener listener) {
        if (this.listener != null) {
            throw new IllegalStateException("the relister has a listener already");
        }
        this.listener = listener;
    }

    /** The pod cache this relister fills. */
    public PodCache cache() {
        return cache;
    }

    /**
     * Relists now and every {@code period}, and follows the runtime's exit events when it has them.
     *
     * @throws IllegalStateException when no listener was bound
     */
    public void start(Duration period) {
        if (listener == null) {
            throw new IllegalStateException("the relister has no listener");
        }
        if (runtime.capabilities().exitEvents()) {
            runtime.events().ifPresent(e -> events = e.subscribe(ownerSelector, this::onEvent));
        }
        thread.scheduleWithFixedDelay(this::relistGuarded, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Relists as soon as the relist thread is free (once, however often asked meanwhile). */
    public void relistSoon() {
        if (soon.compareAndSet(false, true)) {
            thread.execute(() -> {
                soon.set(false);
                relistGuarded();
            });
        }
    }

    /**
     * The runtime's health as the last relist found it: down from the first failed list, ready again from the first
     * that succeeds. What {@code /healthz} and the mirror client (the Node's Ready condition) read.
     */
    public RuntimeHealth health() {
        return health;
    }

    private void onEvent(ContainerEvent e) {
        if (e.type() == ContainerEvent.Type.RESYNC) {
            relistSoon();
            return;
        }
        if (e.type() != ContainerEvent.Type.EXITED) {
            return; // starts are the agent's own doing; a removal by someone else is preceded by an exit
        }
        PodKey key = PodCache.keyOf(e.labels());
        if (key == null) {
            return;
        }
        log.debug("Container exit event pod={} id={} exitCode={}", key, e.containerId(), e.exitCode());
        if (e.containerId() == null) {
            cache.invalidate(key);
            listener.changed(key);
            return;
        }
        cache.exited(key, e.containerId());
        listener.changed(key);
        lookAgain(key, e.containerId(), 0);
    }

    /**
     * While the runtime's views do not show an exit its event reported, the pod is read and synced again, at
     * {@link #LOOK_AGAIN} after the event (the next relist would otherwise be the first to see it).
     */
    private void lookAgain(PodKey key, String containerId, int round) {
        if (round >= LOOK_AGAIN.length) {
            return;
        }
        long delay = LOOK_AGAIN[round] - (round == 0 ? 0 : LOOK_AGAIN[round - 1]);
        thread.schedule(() -> {
            if (cache.awaitingExit(containerId)) {
                log.debug("Container exit not shown by the runtime yet; reading again pod={} id={}", key,
                        containerId);
                cache.invalidate(key);
                listener.changed(key);
                lookAgain(key, containerId, round + 1);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** A relist whose unexpected failure is logged: the schedule must go on (an exception would end it). */
    private void relistGuarded() {
        try {
            relist();
        } catch (RuntimeException e) {
            log.warn("Relist failed; the next one retries error={}", e.toString());
        }
    }

    /** One relist. On the relist thread (tests call it directly). */
    void relist() {
        Instant listedAt = clock.instant();
        RuntimeSnapshot snapshot;
        try {
            snapshot = runtime.snapshot(ownerSelector);
        } catch (RuntimeException e) {
            RuntimeHealth before = health;
            health = before.failed(runtime.name() + " does not answer: " + e.getMessage(), listedAt);
            if (before.ready()) {
                log.warn("Container runtime does not answer; static pods are not watched until it answers again, "
                        + "then every pod is resynced runtime={} error={}", runtime.name(), e.getMessage());
            }
            return;
        }
        RuntimeHealth before = health;
        health = before.answered(clock.instant());
        boolean recovered = !before.ready();
        if (recovered) {
            log.info("Container runtime answers again; resyncing every static pod runtime={} downFor={}s",
                    runtime.name(), Duration.between(before.since(), health.since()).toSeconds());
        }
        Map<PodKey, List<Sandbox>> sandboxes = new HashMap<>();
        Map<PodKey, List<ContainerSummary>> containers = new HashMap<>();
        Set<String> uids = new HashSet<>();
        for (Sandbox s : snapshot.sandboxes()) {
            sandboxes.computeIfAbsent(PodCache.keyOf(s), k -> new ArrayList<>()).add(s);
            uids.add(s.metadata().uid());
        }
        for (ContainerSummary c : snapshot.containers()) {
            PodKey key = PodCache.keyOf(c);
            if (key != null) {
                containers.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
                uids.add(c.labels().getOrDefault(WellKnown.POD_UID, ""));
            }
        }
        Set<PodKey> present = new HashSet<>(sandboxes.keySet());
        present.addAll(containers.keySet());
        Map<PodKey, String> now = new HashMap<>();
        Set<PodKey> changed = new HashSet<>();
        for (PodKey key : present) {
            String fingerprint = fingerprint(sandboxes.getOrDefault(key, List.of()), containers.getOrDefault(key,
                    List.of()));
            if (fingerprint.equals(previous.get(key))) {
                now.put(key, fingerprint);
                continue;
            }
            try {
                cache.put(key, new PodView(key, sandboxes.getOrDefault(key, List.of()),
                        cache.views(containers.getOrDefault(key, List.of()))), listedAt);
                now.put(key, fingerprint); // else the next relist tries this pod again
                changed.add(key);
            } catch (RuntimeException e) {
                log.debug("Container status not read this time; the next relist retries pod={} error={}", key,
                        e.getMessage());
            }
        }
        for (PodKey gone : previous.keySet()) {
            if (!present.contains(gone)) {
                cache.put(gone, PodView.empty(gone), listedAt); // removed, by the agent or behind its back
                changed.add(gone);
            }
        }
        previous = now;
        Set<String> ids = new HashSet<>();
        snapshot.containers().forEach(c -> ids.add(c.id()));
        Set<String> sandboxIds = new HashSet<>();
        snapshot.sandboxes().forEach(s -> sandboxIds.add(s.id()));
        cache.retain(present, ids, sandboxIds);
        changed.forEach(listener::changed);
        listener.relisted(present, uids);
        if (recovered) {
            listener.resyncAll();
        }
    }

    private static String fingerprint(List<Sandbox> sandboxes, List<ContainerSummary> containers) {
        Set<String> parts = new TreeSet<>();
        sandboxes.forEach(s -> parts.add("s:" + s.id() + ":" + s.state()));
        containers.forEach(c -> parts.add("c:" + c.id() + ":" + c.state()));
        return String.join(",", parts);
    }

    /** Stops relisting and following events; the runtime connection is the caller's. */
    @Override
    public void close() {
        AutoCloseable e = events;
        if (e != null) {
            try {
                e.close();
            } catch (Exception ignored) {
                // the stream ends with the process anyway
            }
        }
        thread.shutdownNow();
    }
}
