package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.staticpod.manifest.PodKey;
import io.staticpod.mirror.PodEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The last step of a pass: sends the {@link EventBuffer}'s events as core/v1 events about the pods' mirrors, as the
 * kubelet's recorder writes them: source {@code kubelet/<node>}; a repeat within ten minutes of an event already sent
 * counts that one up (a PATCH of its count) instead of adding another. An event waits until its pod's mirror exists;
 * at most {@value #RATE_PER_SECOND} requests go out per second, with a burst of {@value #BURST}, as the kubelet's
 * defaults. A failure the API server answered backs the step off; a refused event is dropped, logged once per cause.
 * Worker thread only.
 */
final class EventSender implements Step {
    private static final Logger log = LoggerFactory.getLogger(EventSender.class);
    static final int RATE_PER_SECOND = 5;
    static final int BURST = 10;
    private static final Duration AGGREGATE_WINDOW = Duration.ofMinutes(10);
    private static final int REMEMBERED = 512;

    private final RawRequests raw;
    private final String nodeName;
    private final EventBuffer buffer;
    private final DesiredPods desired;
    private final MirrorPodSync mirrors;
    private final Retry retry;
    private final Set<String> refusalsLogged = new HashSet<>();
    private final Map<String, Sent> sent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
            return size() > REMEMBERED;
        }
    };
    private double tokens = BURST;
    private long refilledAt;
    private boolean refilled;
    private long sequence;

    EventSender(RawRequests raw, String nodeName, Timing timing, EventBuffer buffer,
                DesiredPods desired, MirrorPodSync mirrors) {
        this.raw = raw;
        this.nodeName = nodeName;
        this.buffer = buffer;
        this.desired = desired;
        this.mirrors = mirrors;
        this.retry = new Retry("Sending events", "node=" + nodeName, timing);
    }

    @Override
    public void run(long now) {
        buffer.retain(desired::wanted);
        if (!retry.ready(now)) {
            return;
        }
        refill(now);
        while (tokens >= 1) {
            EventBuffer.Waiting w = buffer.oldest(this::sendable);
            if (w == null) {
                return;
            }
            tokens -= 1;
            try {
                send(w, mirrors.mirrorOf(w.pod()));
                retry.succeeded();
            } catch (KubernetesClientException e) {
                if (Failures.stopsPass(e)) {
                    throw e;
                }
                if (Failures.isTransient(e)) {
                    retry.failed(now, e); // the event stays first in line
                    return;
                }
                if (refusalsLogged.add(Failures.cause(e))) {
                    log.warn("Event refused by the API server, dropped; others like it are dropped silently "
                            + "pod={} reason={} code={} error={}", w.pod(), w.event().reason(), e.getCode(),
                            Failures.message(e));
                }
            }
            buffer.sent(w);
        }
    }

    private boolean sendable(PodKey key) {
        GenericKubernetesResource mirror = mirrors.mirrorOf(key);
        return mirror != null && !MirrorPodObjects.isTerminating(mirror);
    }

    private void refill(long now) {
        if (refilled) {
            tokens = Math.min(BURST, tokens + (now - refilledAt) / 1e9 * RATE_PER_SECOND);
        }
        refilled = true;
        refilledAt = now;
    }

    private void send(EventBuffer.Waiting w, GenericKubernetesResource mirror) {
        String uid = MirrorPodObjects.uid(mirror);
        PodEvent ev = w.event();
        String key = String.join("\u0000", uid, ev.type().name(), ev.reason(), ev.message(),
                String.valueOf(ev.container()));
        String ns = w.pod().namespace();
        Sent prev = sent.get(key);
        if (prev != null && w.firstNanos() - prev.lastNanos < AGGREGATE_WINDOW.toNanos()) {
            int count = prev.count + w.count();
            try {
                raw.patch("/api/v1/namespaces/" + ns + "/events/" + prev.name, PatchType.JSON_MERGE,
                        "{\"count\":" + count + ",\"lastTimestamp\":\"" + Times.time(w.last()) + "\"}", null);
                sent.put(key, new Sent(prev.name, count, w.lastNanos()));
                return;
            } catch (KubernetesClientException e) {
                if (!Failures.isNotFound(e)) {
                    throw e;
                }
                sent.remove(key); // the event we counted up is gone: a new one
            }
        }
        String name = w.pod().name() + "." + Long.toHexString(w.first().getEpochSecond() * 1_000_000_000L
                + w.first().getNano() + (sequence++ & 0xfff));
        ObjectNode event = JsonNodeFactory.instance.objectNode().put("apiVersion", "v1").put("kind", "Event");
        event.putObject("metadata").put("name", name).put("namespace", ns);
        ObjectNode involved = event.putObject("involvedObject").put("apiVersion", "v1").put("kind", "Pod")
                .put("namespace", ns).put("name", w.pod().name()).put("uid", uid);
        if (ev.container() != null) {
            involved.put("fieldPath", "spec.containers{" + ev.container() + "}");
        }
        event.put("reason", ev.reason()).put("message", ev.message()).put("type", ev.type().name());
        event.putObject("source").put("component", "kubelet").put("host", nodeName);
        event.put("reportingComponent", "kubelet").put("reportingInstance", nodeName).put("count", w.count())
                .put("firstTimestamp", Times.time(w.first())).put("lastTimestamp", Times.time(w.last()));
        raw.create("/api/v1/namespaces/" + ns + "/events", event); // the answer (the event as stored) is not needed
        sent.put(key, new Sent(name, w.count(), w.lastNanos()));
    }

    @Override
    public long nextIn(long now) {
        if (!retry.ready(now)) {
            return retry.timerNanos(now);
        }
        if (buffer.oldest(this::sendable) == null) {
            return Long.MAX_VALUE;
        }
        // events wait for tokens: come back for the next one (never at once, so no pass can spin here)
        double missing = Math.max(1 - tokens, 0.01);
        return (long) Math.ceil(missing / RATE_PER_SECOND * 1e9);
    }

    @Override
    public void crashed(long now, Throwable e) {
        retry.crashed(now, e);
    }

    /** An event sent: its name, its count, when it last happened ({@link Ticker} nanoseconds). */
    private record Sent(String name, int count, long lastNanos) {
    }
}
