package io.staticpod.mirror.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How often the client talks to the API server.
 *
 * @param nodeStatus   how often the Node's status is written (the kubelet's nodeStatusUpdateFrequency, 10 s)
 * @param leaseRenew   how often the Lease is renewed (a quarter of its 40 s duration, 10 s)
 * @param resync       how long what the API server refused (a mirror, the Node's registration) waits before it is tried
 *                     again (60 s), and the longest the worker waits between passes
 * @param backoffStart the first wait after the API server failed (1 s), doubled on each further failure
 * @param backoffMax   the longest wait between attempts while the API server is down or failing (10 s, as the
 *                     kubelet's node status and lease loops); longer only when the API server asks (Retry-After)
 */
public record Timing(Duration nodeStatus, Duration leaseRenew, Duration resync, Duration backoffStart,
                     Duration backoffMax) {
    public static final Timing DEFAULT = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(10));

    public Timing {
        Objects.requireNonNull(nodeStatus, "nodeStatus");
        Objects.requireNonNull(leaseRenew, "leaseRenew");
        Objects.requireNonNull(resync, "resync");
        Objects.requireNonNull(backoffStart, "backoffStart");
        Objects.requireNonNull(backoffMax, "backoffMax");
    }
}
