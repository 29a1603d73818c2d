package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;

/**
 * One sync pass's failures worth retrying. A request the API server answered with an error (500, 503, 408) fails
 * alone: the pass goes on with the other requests (other pods' mirrors and statuses, the Lease), and the whole pass
 * is retried after a backoff. An unreachable API server (connection refused, reset, timed out) or one asking to slow
 * down (429) stops the pass at once: more requests now would only fail or add to its load. Worker thread only.
 */
final class Pass {
    private KubernetesClientException first;
    private Duration retryAfter = Duration.ZERO;

    /**
     * Records a transient failure of one request.
     *
     * @throws KubernetesClientException {@code e} itself, when it stops the pass
     */
    void failed(KubernetesClientException e) {
        if (first == null) {
            first = e;
        }
        Duration ra = Failures.retryAfter(e);
        if (ra.compareTo(retryAfter) > 0) {
            retryAfter = ra;
        }
        if (Failures.stopsPass(e)) {
            throw e;
        }
    }

    /** The first failure of this pass, or null when every request succeeded. */
    KubernetesClientException failure() {
        return first;
    }
}
