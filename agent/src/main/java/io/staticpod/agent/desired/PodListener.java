package io.staticpod.agent.desired;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

/** What a {@link DesiredChange} is applied to: the pod lanes. Called from the reconcile thread, in order. */
public interface PodListener {

    /** The pod should run as {@code pod} (new, or a new version replacing the previous one with that key). */
    void podChanged(PodKey key, StaticPod pod);

    /** No pod with this key should run any more. */
    void podRemoved(PodKey key);
}
