package io.staticpod.agent.nodeapi.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A bounded map whose entries expire: the least recently used entry goes first when it is full, so that a flood of
 * distinct tokens or users cannot grow it. Time comes from an injected clock. Thread-safe (synchronized; entries are
 * few and calls short).
 */
final class TtlCache<K, V> {
    private final InstantSource clock;
    private final int capacity;
    private final LinkedHashMap<K, Entry<V>> entries; // guarded by this

    private record Entry<V>(V value, Instant expires) {
    }

    TtlCache(InstantSource clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > TtlCache.this.capacity;
            }
        };
    }

    /** The value, or null when absent or expired. */
    synchronized V get(K key) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expires())) {
            entries.remove(key);
            return null;
        }
        return e.value();
    }

    /** Keeps {@code value} for {@code ttl}; a zero or negative TTL keeps nothing. */
    synchronized void put(K key, V value, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        entries.put(key, new Entry<>(value, clock.instant().plus(ttl)));
    }

    synchronized int size() {
        return entries.size();
    }
}
