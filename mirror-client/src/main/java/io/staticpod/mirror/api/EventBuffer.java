package io.staticpod.mirror.api;

import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The events waiting to be sent, in one bounded buffer: the latest {@value #CAPACITY}, the oldest dropped first. The
 * policy is the same whatever they wait for (the pod's mirror to exist, the API server to come back, the send rate):
 * a repeat of an event still waiting (same pod, type, reason, message and container) is counted up on it instead of
 * taking another place, as the kubelet's event correlator counts repeats; when the buffer is full the oldest event
 * goes, with one WARN for the first of a run of drops and one INFO with their number once the buffer has emptied.
 * Events of a pod that leaves the desired set go with it. Thread-safe.
 */
final class EventBuffer {
    private static final Logger log = LoggerFactory.getLogger(EventBuffer.class);
    static final int CAPACITY = 500;

    private final InstantSource wall;
    private final Ticker ticker;
    private final Map<Key, Entry> waiting = new LinkedHashMap<>(); // oldest first; guarded by this
    private int dropped; // guarded by this

    EventBuffer(InstantSource wall, Ticker ticker) {
        this.wall = wall;
        this.ticker = ticker;
    }

    /** An event happened now. Any thread; never blocks on the API server. */
    synchronized void offer(PodKey pod, PodEvent event) {
        Instant at = wall.instant();
        long nanos = ticker.nanos();
        Key key = new Key(pod, event);
        Entry e = waiting.get(key);
        if (e != null) {
            e.count++;
            e.last = at;
            e.lastNanos = nanos;
            return;
        }
        if (waiting.size() >= CAPACITY) {
            Iterator<Entry> oldest = waiting.values().iterator();
            Entry gone = oldest.next();
            oldest.remove();
            if (dropped++ == 0) {
                log.warn("Too many events waiting to be sent; dropping the oldest ones capacity={} pod={} reason={}",
                        CAPACITY, gone.pod, gone.event.reason());
            }
        }
        waiting.put(key, new Entry(pod, event, at, nanos));
    }

    /** The oldest waiting event whose pod passes {@code sendable}, as it is now; null when there is none. */
    synchronized Waiting oldest(Predicate<PodKey> sendable) {
        for (Entry e : waiting.values()) {
            if (sendable.test(e.pod)) {
                return e.snapshot();
            }
        }
        return null;
    }

    /** The event was sent (or refused for good): it leaves the buffer, but repeats that came meanwhile stay. */
    synchronized void sent(Waiting w) {
        Key key = new Key(w.pod(), w.event());
        Entry e = waiting.get(key);
        if (e != null && e.firstNanos == w.firstNanos()) {
            if (e.count <= w.count()) {
                waiting.remove(key);
            } else {
                e.count -= w.count();
                e.first = w.last();
                e.firstNanos = w.lastNanos();
            }
        }
        if (waiting.isEmpty() && dropped > 0) {
            log.info("Waiting events sent; older ones were dropped while the buffer was full dropped={}", dropped);
            dropped = 0;
        }
    }

    /** Drops the events of pods that are not wanted any more. */
    synchronized void retain(Predicate<PodKey> wanted) {
        waiting.values().removeIf(e -> !wanted.test(e.pod));
    }

    synchronized int size() {
        return waiting.size();
    }

    /**
     * An event as it waits.
     *
     * @param count how many times it happened while it waited
     * @param first when it first happened (wall clock, written to the API); {@code firstNanos} on the {@link Ticker}
     * @param last  when it last happened; {@code lastNanos} on the {@link Ticker}
     */
    record Waiting(PodKey pod, PodEvent event, int count, Instant first, Instant last, long firstNanos,
                   long lastNanos) {
    }

    private record Key(PodKey pod, PodEvent event) {
        Key {
            Objects.requireNonNull(pod);
            Objects.requireNonNull(event);
        }
    }

    private static final class Entry {
        final PodKey pod;
        final PodEvent event;
        int count = 1;
        Instant first;
        Instant last;
        long firstNanos;
        long lastNanos;

        Entry(PodKey pod, PodEvent event, Instant at, long nanos) {
            this.pod = pod;
            this.event = event;
            this.first = at;
            this.last = at;
            this.firstNanos = nanos;
            this.lastNanos = nanos;
        }

        Waiting snapshot() {
            return new Waiting(pod, event, count, first, last, firstNanos, lastNanos);
        }
    }
}
