package io.staticpod.mirror;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.util.Map;

/**
 * The API server side of the agent, as one object: mirror pods ({@link DesiredMirrors}), their status and events
 * ({@link PodReports}), plus its life cycle; the Node's readiness it reads from a {@link NodeReadiness} given when it
 * is built. A part of the agent that
 * needs only one of these should take that interface.
 *
 * <p>The API server is never on the critical path: every method returns at once (work is recorded and done on the
 * client's own thread, retried until it succeeds), and nothing here is ever waited for by a pod. All methods are
 * thread-safe.
 */
public interface MirrorClient extends DesiredMirrors, PodReports, AutoCloseable {

    /** Registers the Node if absent, starts renewing its Lease and watching this node's mirror pods. */
    void start();

    /** Stops the client's threads. Mirrors and the Node are left as they are, as when the kubelet stops. */
    @Override
    void close();

    /** Standalone mode: no API server, nothing published. */
    MirrorClient NONE = new MirrorClient() {
        @Override
        public void start() {
        }

        @Override
        public void desiredPods(Map<PodKey, StaticPod> pods) {
        }

        @Override
        public void podStatus(PodKey key, PodStatus status) {
        }

        @Override
        public void podEvent(PodKey key, PodEvent event) {
        }

        @Override
        public void close() {
        }
    };
}
