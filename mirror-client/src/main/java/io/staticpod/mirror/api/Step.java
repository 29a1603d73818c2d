package io.staticpod.mirror.api;

/**
 * One part of the worker's pass, at one of the kubelet's seams: node registration, node heartbeat, mirror pods, pod
 * status, events. Each step keeps its own failures ({@link Retry}): an error the API server answered fails that step
 * (or that pod) alone, and the pass goes on with the next step. A request that got no answer, or a 429, is thrown out
 * of {@link #run} ({@link Failures#stopsPass}): the coordinator's {@link ServerGate} then stops the pass. Worker
 * thread only.
 */
interface Step {

    /** Does what is due at {@code now} ({@link Ticker} nanoseconds); returns at once when nothing is. */
    void run(long now);

    /**
     * Nanoseconds from {@code now} until this step has work of its own (a renewal, a retry), 0 for at once, or
     * {@link Long#MAX_VALUE} when only a new input gives it work.
     */
    long nextIn(long now);

    /** An exception escaped {@link #run} that no one expected (a bug): the step backs off. */
    void crashed(long now, Throwable e);
}
