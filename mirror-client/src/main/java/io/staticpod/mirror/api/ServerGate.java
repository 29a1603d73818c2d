package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Whether the API server may be asked at all right now. A request that got no answer (connection refused or reset,
 * timed out) or an answer of 429 closes the gate: the pass stops there, since more requests would only fail or add to
 * the server's load, and nothing is asked until the gate's back-off (1 s doubling to 10 s) or the server's
 * Retry-After has passed; new inputs wait for it, so a struggling API server is never asked in a loop. A watch event
 * while the gate is closed for want of an answer opens it: the server is back. One WARN when the server stops
 * answering, a reminder every five minutes while it stays so, one INFO when it answers again.
 *
 * <p>{@link #open}, {@link #failed} and {@link #answered} run on the worker thread; {@link #watchAnswered} on the
 * watch's thread.
 */
final class ServerGate {
    private static final Logger log = LoggerFactory.getLogger(ServerGate.class);
    private static final Duration OUTAGE_REMINDER = Duration.ofMinutes(5);

    private final String node;
    private final Timing timing;
    private Duration next;
    private int failures;
    private long warnedAt;
    private volatile boolean closed;
    private volatile boolean unanswered;
    private volatile long openAt;

    ServerGate(String node, Timing timing) {
        this.node = node;
        this.timing = timing;
        this.next = timing.backoffStart();
    }

    boolean open(long now) {
        return !closed || now - openAt >= 0;
    }

    /** Nanoseconds from {@code now} until the gate opens; 0 when open. */
    long waitNanos(long now) {
        return closed ? Math.max(0, openAt - now) : 0;
    }

    /** A request got no answer, or 429: the gate closes for the back-off or the Retry-After, whichever is longer. */
    void failed(long now, KubernetesClientException e) {
        Duration wait = next;
        Duration asked = Failures.retryAfter(e);
        if (asked.compareTo(wait) > 0) {
            wait = asked;
        }
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(timing.backoffMax()) > 0 ? timing.backoffMax() : doubled;
        failures++;
        openAt = now + wait.toNanos();
        unanswered = e.getCode() <= 0;
        closed = true;
        if (failures == 1 || now - warnedAt > OUTAGE_REMINDER.toNanos()) {
            warnedAt = now;
            log.warn("API server unavailable or failing; static pods keep running, mirror pods and node status wait "
                    + "node={} attempts={} retryIn={} code={} error={}", node, failures, wait, e.getCode(),
                    Failures.message(e));
        } else {
            log.debug("API server still unavailable node={} attempts={} retryIn={} error={}", node, failures, wait,
                    Failures.message(e));
        }
    }

    /** A pass got through without closing the gate. */
    void answered() {
        if (failures > 0) {
            log.info("API server answering again after {} failed attempts node={}", failures, node);
        }
        failures = 0;
        next = timing.backoffStart();
        closed = false;
    }

    /** The watch delivered an event: if the gate is closed for want of an answer, the server is back. */
    void watchAnswered() {
        if (closed && unanswered) {
            closed = false;
        }
    }
}
