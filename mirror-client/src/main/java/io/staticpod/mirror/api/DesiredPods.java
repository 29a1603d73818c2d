package io.staticpod.mirror.api;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's latest desired set of static pods, and when each pod version (its hash) was first seen, which its
 * mirror carries as {@code kubernetes.io/config.seen}. Written by any thread, read by the worker.
 */
final class DesiredPods {
    private final InstantSource wall;
    private final AtomicReference<Map<PodKey, StaticPod>> pods = new AtomicReference<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    DesiredPods(InstantSource wall) {
        this.wall = wall;
    }

    void set(Map<PodKey, StaticPod> desired) {
        Map<PodKey, StaticPod> copy = Map.copyOf(desired);
        Instant now = wall.instant();
        Set<String> hashes = new HashSet<>();
        copy.values().forEach(sp -> {
            hashes.add(sp.uid());
            firstSeen.putIfAbsent(sp.uid(), now);
        });
        firstSeen.keySet().retainAll(hashes);
        pods.set(copy);
    }

    /** The latest desired set, or null before the agent's first (no mirror is made or deleted until then). */
    Map<PodKey, StaticPod> get() {
        return pods.get();
    }

    /** Whether the pod is wanted; every pod is, until the first desired set. */
    boolean wanted(PodKey key) {
        Map<PodKey, StaticPod> p = pods.get();
        return p == null || p.containsKey(key);
    }

    /** When the pod version with this hash was first seen. */
    Instant firstSeen(String hash) {
        return firstSeen.computeIfAbsent(hash, h -> wall.instant());
    }
}
