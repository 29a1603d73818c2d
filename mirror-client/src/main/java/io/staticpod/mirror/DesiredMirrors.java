package io.staticpod.mirror;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.util.Map;

/**
 * What the agent asks of the mirror pods: that they match its desired static pods. The call returns at once; the
 * client makes the mirrors match on its own thread, retried until it succeeds. Thread-safe.
 */
public interface DesiredMirrors {

    /**
     * The complete desired set of static pods (called after every change of it, and first after the first full
     * scan of the manifests). The client makes the mirrors match: creates missing ones, replaces a mirror whose
     * {@code kubernetes.io/config.mirror} differs from the pod's hash or whose spec was edited through the API,
     * recreates deleted ones, and deletes mirrors of this node that no static pod wants (orphans). Only the latest
     * set matters.
     */
    void desiredPods(Map<PodKey, StaticPod> pods);
}
