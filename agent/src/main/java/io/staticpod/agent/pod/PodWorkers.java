package io.staticpod.agent.pod;

import io.staticpod.agent.desired.PodListener;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One serial, coalescing lane per pod key, as the kubelet's pod workers: at most one sync of a pod runs at a time;
 * updates arriving meanwhile are merged (the latest desired version wins) and cause one more sync afterwards. Because
 * every sync first stops containers of any other version, a pending kill is never lost by a later update.
 *
 * <p>A lane whose desired pod is gone disappears once a sync found nothing left to stop. A failed sync is retried
 * with its own back-off (1 s doubling to 30 s), and every lane is re-synced when woken by the relister, when its
 * crash back-off ends, and periodically.
 */
public final class PodWorkers implements PodListener {
    private static final Logger log = LoggerFactory.getLogger(PodWorkers.class);
    private static final Duration RETRY_MIN = Duration.ofSeconds(1);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final Sync sync;

    /** One sync of one pod (a {@code PodSync}): returns when to look again (monotonic), or null; may throw. */
    @FunctionalInterface
    public interface Sync {
        Instant sync(PodKey key, StaticPod desired);
    }
    private final Executor executor;
    private final ScheduledExecutorService timer;
    private final InstantSource clock;
    // guarded by this
    private final Map<PodKey, Lane> lanes = new HashMap<>();
    private long queued; // guarded by this: the order of lane runs handed to the pool

    private static final class Lane {
        final PodKey key;
        StaticPod desired;   // null: stop everything of this key
        StaticPod last;      // the last pod wanted under this key, kept while it stops
        boolean running;
        boolean dirty;
        ScheduledFuture<?> timer;
        Duration retry = RETRY_MIN;

        Lane(PodKey key) {
            this.key = key;
        }
    }

    private volatile Runnable terminated;

    /** @param clock monotonic: what a sync's "look again at" is measured on */
    public PodWorkers(Sync sync, Executor executor, ScheduledExecutorService timer, InstantSource clock) {
        this.sync = sync;
        this.executor = executor;
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * What to call (on a lane thread) when a pod that was stopping has no container left: the pod layer binds it,
     * once, before any pod is given (it reads these lanes: the one loop back of the wiring).
     *
     * @throws IllegalStateException when it is bound already
     */
    public synchronized void whenTerminated(Runnable terminated) {
        if (this.terminated != null) {
            throw new IllegalStateException("the lanes' terminated callback is bound already");
        }
        this.terminated = terminated;
    }

    @Override
    public synchronized void podChanged(PodKey key, StaticPod pod) {
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        lane.desired = pod;
        lane.last = pod;
        schedule(lane);
    }

    @Override
    public synchronized void podRemoved(PodKey key) {
        Lane lane = lanes.computeIfAbsent(key, Lane::new);
        lane.desired = null;
        schedule(lane);
    }

    /** Something about this key changed in the runtime: sync it if a lane exists. Returns false if none does. */
    public synchronized boolean wake(PodKey key) {
        Lane lane = lanes.get(key);
        if (lane == null) {
            return false;
        }
        schedule(lane);
        return true;
    }

    /** Re-syncs every lane (the periodic resync). */
    public synchronized void wakeAll() {
        lanes.values().forEach(this::schedule);
    }

    /** Pods no longer wanted whose containers are still being stopped, with their last version. */
    public synchronized Map<PodKey, StaticPod> terminating() {
        Map<PodKey, StaticPod> out = new HashMap<>();
        lanes.values().stream().filter(l -> l.desired == null && l.last != null).forEach(l -> out.put(l.key, l.last));
        return out;
    }

    /** The UIDs of every pod a lane wants or is still stopping. */
    public synchronized Set<String> uids() {
        Set<String> out = new java.util.HashSet<>();
        lanes.values().forEach(l -> {
            if (l.desired != null) {
                out.add(l.desired.uid());
            }
            if (l.last != null) {
                out.add(l.last.uid());
            }
        });
        return out;
    }

    public synchronized Set<PodKey> keys() {
        return Set.copyOf(lanes.keySet());
    }

    // guarded by this
    private void schedule(Lane lane) {
        if (lane.timer != null) {
            lane.timer.cancel(false);
            lane.timer = null;
        }
        if (lane.running) {
            lane.dirty = true;
            return;
        }
        lane.running = true;
        executor.execute(new LaneRun(() -> run(lane), lane.desired != null, queued++));
    }

    /**
     * One run of a lane, ordered for a prioritizing pool ({@link PodThreads#lanes}): runs of wanted pods before runs
     * that stop a removed one, then in the order they were queued.
     */
    private record LaneRun(Runnable body, boolean wanted, long order) implements Runnable, Comparable<LaneRun> {
        @Override
        public void run() {
            body.run();
        }

        @Override
        public int compareTo(LaneRun other) {
            return wanted != other.wanted ? (wanted ? -1 : 1) : Long.compare(order, other.order);
        }
    }

    private void run(Lane lane) {
        while (true) {
            StaticPod desired;
            synchronized (this) {
                lane.dirty = false;
                desired = lane.desired;
            }
            Instant next;
            boolean failed = false;
            MDC.put("pod", lane.key.toString());
            log.trace("Syncing static pod pod={}", lane.key);
            try {
                next = sync.sync(lane.key, desired);
            } catch (RuntimeException e) {
                failed = true;
                next = null;
                log.warn("Sync of static pod failed; will retry pod={} in={} error={}", lane.key, lane.retry,
                        e.toString());
                log.debug("Sync failure detail pod={}", lane.key, e);
            } finally {
                MDC.remove("pod");
            }
            synchronized (this) {
                if (lane.dirty) {
                    continue;
                }
                lane.running = false;
                if (failed) {
                    Duration delay = lane.retry;
                    lane.retry = lane.retry.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX
                            : lane.retry.multipliedBy(2);
                    later(lane, delay);
                    return;
                }
                lane.retry = RETRY_MIN;
                if (lane.desired == null) {
                    lanes.remove(lane.key, lane);
                    Runnable done = terminated;
                    if (lane.last != null && done != null) {
                        executor.execute(new LaneRun(done, true, queued++)); // the mirrors' view: not behind stops
                    }
                    return;
                }
                if (next != null) {
                    later(lane, Duration.between(clock.instant(), next));
                }
                return;
            }
        }
    }

    // guarded by this
    private void later(Lane lane, Duration delay) {
        long ms = Math.max(0, delay.toMillis());
        lane.timer = timer.schedule(() -> {
            synchronized (PodWorkers.this) {
                lane.timer = null;
                if (lanes.get(lane.key) == lane) {
                    schedule(lane);
                }
            }
        }, ms, TimeUnit.MILLISECONDS);
    }
}
