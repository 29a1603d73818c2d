package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * One step's (or one pod's) failures: a doubling back-off on the {@link Ticker}, from a start to a cap, or longer when
 * the API server says Retry-After; one WARN when failures begin and one INFO when the work succeeds again. A hold
 * (after a refusal) makes the work wait a fixed time without counting as a failure. Worker thread only.
 */
final class Retry {
    private static final Logger log = LoggerFactory.getLogger(Retry.class);

    private final String what;
    private final String subject;
    private final Duration start;
    private final Duration max;
    private Duration next;
    private int failures;
    private boolean waiting;
    private long retryAt;

    /**
     * @param what    the work, for the log: {@code Lease renewal}
     * @param subject what it is about, as {@code key=value} for the log: {@code node=node-1}, {@code pod=ns/name}
     */
    Retry(String what, String subject, Timing timing) {
        this.what = what;
        this.subject = subject;
        this.start = timing.backoffStart();
        this.max = timing.backoffMax();
        this.next = start;
    }

    /** Whether the work may be tried at {@code now}. */
    boolean ready(long now) {
        return !waiting || now - retryAt >= 0;
    }

    /** Nanoseconds from {@code now} until the work may be tried; 0 when it may now. */
    long waitNanos(long now) {
        return waiting ? Math.max(0, retryAt - now) : 0;
    }

    /**
     * Nanoseconds from {@code now} until the work may be tried again after a wait that has not ended yet, or
     * {@link Long#MAX_VALUE} when it need not wait (then only new work, not the clock, gives a reason to come back).
     */
    long timerNanos(long now) {
        return waiting && retryAt - now > 0 ? retryAt - now : Long.MAX_VALUE;
    }

    /**
     * A failure worth retrying soon: waits the back-off's next step, or the server's Retry-After when longer; logged
     * at WARN when failures begin, at DEBUG after.
     */
    Duration failed(long now, KubernetesClientException e) {
        Duration wait = backOff(now, Failures.retryAfter(e));
        if (failures == 1) {
            log.warn("{} failed, retrying with back-off {} code={} retryIn={} error={}", what, subject, e.getCode(),
                    wait, Failures.message(e));
        } else {
            log.debug("{} failed again {} attempts={} code={} retryIn={} error={}", what, subject, failures,
                    e.getCode(), wait, Failures.message(e));
        }
        return wait;
    }

    /** An exception no one expected (a bug, a client in a bad state): logged whole, then the back-off. */
    void crashed(long now, Throwable e) {
        log.error("{} failed unexpectedly, will retry {}", what, subject, e);
        backOff(now, Duration.ZERO);
    }

    /** Waits {@code wait} before the next attempt without counting a failure (a refusal, retried slowly). */
    void hold(long now, Duration wait) {
        waiting = true;
        retryAt = now + wait.toNanos();
    }

    /** The work succeeded: the back-off starts over; an INFO line when it had failed. */
    void succeeded() {
        if (failures > 0) {
            log.info("{} succeeded again after {} failed attempts {}", what, failures, subject);
        }
        failures = 0;
        next = start;
        waiting = false;
    }

    int failures() {
        return failures;
    }

    /** As {@link #failed} without the log line, for a caller that logs in its own terms. */
    Duration failedQuietly(long now, KubernetesClientException e) {
        return backOff(now, Failures.retryAfter(e));
    }

    private Duration backOff(long now, Duration atLeast) {
        Duration wait = next.compareTo(atLeast) >= 0 ? next : atLeast;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        failures++;
        waiting = true;
        retryAt = now + wait.toNanos();
        return wait;
    }
}
