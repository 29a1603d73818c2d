package io.staticpod.agent.desired;

import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one snapshot of the source changed in the desired set: the one thing handed from the desired state to the
 * pod layer, on the reconcile thread.
 *
 * @param changed        pods added or updated (a new version under a known key), in file order
 * @param removed        keys no pod should run under any more
 * @param manifestErrors pods whose file turned invalid while their last good version keeps running, with the
 *                       file's errors (the whole map, replacing the previous one)
 * @param pods           the whole desired set after the change
 * @param allSourcesSeen every source has sent a full snapshot: from now on, pods the runtime has that no manifest
 *                       wants are orphans
 */
public record DesiredChange(List<StaticPod> changed, Set<PodKey> removed, Map<PodKey, String> manifestErrors,
                            Map<PodKey, StaticPod> pods, boolean allSourcesSeen) {
    public DesiredChange {
        changed = List.copyOf(changed);
        removed = Set.copyOf(removed);
        manifestErrors = Map.copyOf(manifestErrors);
        pods = Map.copyOf(pods);
    }

    /** Nothing added, updated or removed (errors may still have changed). */
    public boolean isEmpty() {
        return changed.isEmpty() && removed.isEmpty();
    }

    /** Tells {@code listener} the removals, then the additions and updates, in order. */
    public void applyTo(PodListener listener) {
        removed.forEach(listener::podRemoved);
        changed.forEach(pod -> listener.podChanged(pod.key(), pod));
    }
}
