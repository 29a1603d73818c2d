package io.staticpod.agent;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A mirror client built on a thread of its own, so that pods never wait for it: building an API client (reading a
 * kubeconfig, TLS set-up) takes seconds on a busy node. Until the real client exists this one remembers the latest
 * desired set, each pod's latest status (dropped with the pod from the desired set, as the real client does) and the latest {@value #MAX_EVENTS} events, and hands
 * them over when it does. Everything it holds is bounded: by the pods, and by the event cap (the oldest go first).
 */
final class DeferredMirrorClient implements MirrorClient {
    private static final Logger log = LoggerFactory.getLogger(DeferredMirrorClient.class);

    static final int MAX_EVENTS = 500;

    private final Map<PodKey, PodStatus> statuses = new ConcurrentHashMap<>();
    private final java.util.Deque<Map.Entry<PodKey, PodEvent>> events = new java.util.ArrayDeque<>(); // guarded by this
    private int dropped; // guarded by this
    private volatile MirrorClient real;
    private volatile Map<PodKey, StaticPod> desired;
    private volatile boolean started;
    private volatile boolean closed;

    DeferredMirrorClient(Supplier<MirrorClient> factory) {
        Thread t = new Thread(() -> {
            MirrorClient client;
            try {
                client = factory.get();
            } catch (RuntimeException e) {
                log.error("Cannot create the API server client; running standalone, no mirror pods are published "
                        + "error={}", e.getMessage());
                return;
            }
            handOver(client);
        }, "mirror-client-init");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void handOver(MirrorClient client) {
        if (closed) {
            client.close();
            return;
        }
        real = client;
        if (started) {
            client.start();
        }
        if (desired != null) {
            client.desiredPods(desired);
        }
        statuses.forEach(client::podStatus);
        statuses.clear();
        if (dropped > 0) {
            log.warn("Dropped the oldest events while the API server client was being built dropped={}", dropped);
        }
        events.forEach(e -> client.podEvent(e.getKey(), e.getValue()));
        events.clear();
    }

    @Override
    public synchronized void start() {
        started = true;
        if (real != null) {
            real.start();
        }
    }

    @Override
    public void desiredPods(Map<PodKey, StaticPod> pods) {
        MirrorClient r = real;
        if (r != null) {
            r.desiredPods(pods);
            return;
        }
        synchronized (this) {
            desired = pods;
            if (real != null) {
                real.desiredPods(pods);
            } else {
                statuses.keySet().retainAll(pods.keySet());
            }
        }
    }

    @Override
    public void podStatus(PodKey key, PodStatus status) {
        MirrorClient r = real;
        if (r != null) {
            r.podStatus(key, status);
            return;
        }
        synchronized (this) {
            if (real != null) {
                real.podStatus(key, status);
            } else {
                statuses.put(key, status);
            }
        }
    }

    @Override
    public void podEvent(PodKey key, PodEvent event) {
        MirrorClient r = real;
        if (r != null) {
            r.podEvent(key, event);
            return;
        }
        synchronized (this) {
            if (real != null) {
                real.podEvent(key, event);
            } else {
                if (events.size() >= MAX_EVENTS) {
                    events.removeFirst();
                    dropped++;
                }
                events.addLast(Map.entry(key, event));
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (real != null) {
            real.close();
        }
    }
}
