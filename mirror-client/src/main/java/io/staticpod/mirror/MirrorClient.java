package io.staticpod.mirror;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.util.Map;

/**
 * The API server side of the agent: the Node and its Lease, one read-only mirror pod per static pod, their status,
 * and events. The API server is never on the critical path: every method returns at once (work is queued and
 * done on the client's own threads, retried until it succeeds), and nothing here is ever waited for by a pod.
 *
 * <p>All methods are thread-safe. Implementations coalesce: only the latest desired set and the latest status of
 * each pod matter.
 */
public interface MirrorClient extends AutoCloseable {

    /** Registers the Node if absent, starts renewing its Lease and watching this node's mirror pods. */
    void start();

    /**
     * The complete desired set of static pods (called after every change of it, and first after the first full
     * scan of the manifests). The client makes the mirrors match: creates missing ones, replaces a mirror whose
     * {@code kubernetes.io/config.mirror} differs from the pod's hash or whose spec was edited through the API,
     * recreates deleted ones, and deletes mirrors of this node that no static pod wants (orphans).
     */
    void desiredPods(Map<PodKey, StaticPod> pods);

    /** The pod's latest status; written with {@code PATCH pods/<name>/status} when it differs from the last one. */
    void podStatus(PodKey key, PodStatus status);

    /** An event about a static pod, as {@code kubectl describe pod} shows (involved object: its mirror). */
    void podEvent(PodKey key, PodEvent event);

    /** Whether the container runtime answers, for the Node's Ready condition. */
    void runtimeHealth(boolean ready, String message);

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
        public void runtimeHealth(boolean ready, String message) {
        }

        @Override
        public void close() {
        }
    };
}
