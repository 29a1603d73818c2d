package io.staticpod.mirror;

import io.staticpod.manifest.PodKey;

/**
 * What the agent reports about its static pods: their status and events, shown on their mirrors. Calls return at
 * once; the client writes on its own thread. Thread-safe.
 */
public interface PodReports {

    /**
     * The pod's latest status; written with {@code PATCH pods/<name>/status} when it differs from the last one
     * written. Only the latest status of each pod matters.
     */
    void podStatus(PodKey key, PodStatus status);

    /**
     * An event about a static pod, as {@code kubectl describe pod} shows (involved object: its mirror). Events wait
     * in one bounded buffer until they can be sent; see the README's "Mirror pods" for its policy.
     */
    void podEvent(PodKey key, PodEvent event);
}
