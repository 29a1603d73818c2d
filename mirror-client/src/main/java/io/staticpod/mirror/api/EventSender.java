package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Core/v1 events about static pods, with their mirror as involved object, as the kubelet's recorder writes them:
 * source {@code kubelet/<node>}, a repeat of the same event within ten minutes counts up the existing one instead
 * of adding another. Events wait (a few per pod) until the pod's mirror exists; at most {@link #RATE_PER_SECOND} go
 * out per second, with a burst of {@link #BURST}.
 *
 * <p>{@link #offer} is thread-safe; everything else runs on the client's worker thread.
 */
final class EventRecorder {
    private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
    static final int RATE_PER_SECOND = 5;
    static final int BURST = 10;
    static final int MAX_QUEUED = 1000;
    static final int MAX_HELD_PER_POD = 20;
    private static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
    private static final int MAX_REMEMBERED = 512;

    private final KubernetesClient client;
    private final String nodeName;
    private final LongSupplier nanos;

    private final Queue<Offered> incoming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger incomingSize = new AtomicInteger();

    // worker thread only
    private final Map<PodKey, Deque<Offered>> held = new HashMap<>();
    private final Map<String, Sent> sent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private double tokens = BURST;
    private long refilledAt;

    EventRecorder(KubernetesClient client, String nodeName, LongSupplier nanos) {
        this.client = client;
        this.nodeName = nodeName;
        this.nanos = nanos;
        this.refilledAt = nanos.getAsLong();
    }

    /** Queues an event; drops it when too many wait already. Any thread. */
    void offer(PodKey key, PodEvent event, Instant at) {
        if (incomingSize.incrementAndGet() > MAX_QUEUED) {
            incomingSize.decrementAndGet();
            log.debug("Dropping event, too many waiting pod={} reason={}", key, event.reason());
            return;
        }
        incoming.add(new Offered(key, event, at));
    }

    /**
     * Sends what it may: events of pods whose mirror exists, within the rate. Drops those of pods no longer wanted.
     *
     * @return whether events are still waiting for tokens (so the caller should come back soon)
     * @throws KubernetesClientException when the API server failed in a way worth retrying (the event is kept)
     */
    boolean flush(Function<PodKey, Pod> mirrorOf, Predicate<PodKey> wanted, Instant now) {
        for (Offered o; (o = incoming.poll()) != null; ) {
            incomingSize.decrementAndGet();
            Deque<Offered> q = held.computeIfAbsent(o.key, k -> new ArrayDeque<>());
            if (q.size() >= MAX_HELD_PER_POD) {
                q.removeFirst();
            }
            q.addLast(o);
        }
        refill();
        boolean waiting = false;
        for (Iterator<Map.Entry<PodKey, Deque<Offered>>> it = held.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<PodKey, Deque<Offered>> e = it.next();
            if (!wanted.test(e.getKey())) {
                it.remove();
                continue;
            }
            Pod mirror = mirrorOf.apply(e.getKey());
            if (mirror == null || MirrorPods.isTerminating(mirror)) {
                continue;
            }
            Deque<Offered> q = e.getValue();
            while (!q.isEmpty()) {
                if (tokens < 1) {
                    waiting = true;
                    break;
                }
                send(q.peekFirst(), mirror, now);
                q.removeFirst();
                tokens -= 1;
            }
            if (q.isEmpty()) {
                it.remove();
            }
        }
        return waiting;
    }

    private void refill() {
        long t = nanos.getAsLong();
        tokens = Math.min(BURST, tokens + (t - refilledAt) / 1e9 * RATE_PER_SECOND);
        refilledAt = t;
    }

    private void send(Offered o, Pod mirror, Instant now) {
        String uid = MirrorPods.uid(mirror);
        PodEvent ev = o.event;
        String fieldPath = ev.container() == null ? null : "spec.containers{" + ev.container() + "}";
        String key = String.join("\u0000", uid, ev.type().name(), ev.reason(), ev.message(),
                String.valueOf(ev.container()));
        Sent prev = sent.get(key);
        String ns = o.key.namespace();
        try {
            if (prev != null && Duration.between(prev.last, o.at).compareTo(AGGREGATE_WINDOW) < 0) {
                int count = prev.count + 1;
                patchCount(ns, prev.name, "{\"count\":" + count + ",\"lastTimestamp\":\"" + Times.time(o.at)
                        + "\"}");
                sent.put(key, new Sent(prev.name, count, o.at));
                return;
            }
            String name = o.key.name() + "." + Long.toHexString(o.at.getEpochSecond() * 1_000_000_000L
                    + o.at.getNano() + (nanos.getAsLong() & 0xfff));
            Event event = new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(ns).endMetadata()
                    .withNewInvolvedObject().withApiVersion("v1").withKind("Pod").withNamespace(ns)
                    .withName(o.key.name()).withUid(uid).withFieldPath(fieldPath).endInvolvedObject()
                    .withReason(ev.reason()).withMessage(ev.message()).withType(ev.type().name())
                    .withNewSource().withComponent("kubelet").withHost(nodeName).endSource()
                    .withReportingComponent("kubelet").withReportingInstance(nodeName)
                    .withCount(1).withFirstTimestamp(Times.time(o.at)).withLastTimestamp(Times.time(o.at))
                    .build();
            client.v1().events().inNamespace(ns).resource(event).create();
            sent.put(key, new Sent(name, 1, o.at));
        } catch (KubernetesClientException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            if (prev != null) {
                sent.remove(key); // the event we counted up is gone: next time, a new one
            }
            log.debug("Event refused by the API server pod={} reason={} error={}", o.key, ev.reason(),
                    Failures.message(e));
        }
    }

    /**
     * PATCH of an event, sent as is. fabric8's {@code patch} first GETs the object, which a node may not do (the Node
     * authorizer lets it create, patch and update events, not read them), so the request is made directly.
     */
    private void patchCount(String ns, String name, String mergePatch) {
        io.fabric8.kubernetes.client.http.HttpClient http = client.getHttpClient();
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + "/api/v1/namespaces/" + ns + "/events/"
                + name;
        io.fabric8.kubernetes.client.http.HttpRequest request = http.newHttpRequestBuilder()
                .uri(url).method("PATCH", "application/merge-patch+json", mergePatch).build();
        io.fabric8.kubernetes.client.http.HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesClientException("interrupted while patching event " + name);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new KubernetesClientException("patching event " + name + ": " + e.getMessage(), e);
        }
        if (!response.isSuccessful()) {
            throw new KubernetesClientException("patching event " + name + ": " + response.code() + " "
                    + response.body(), response.code(), null);
        }
    }

    private record Offered(PodKey key, PodEvent event, Instant at) {
    }

    private record Sent(String name, int count, Instant last) {
    }
}
