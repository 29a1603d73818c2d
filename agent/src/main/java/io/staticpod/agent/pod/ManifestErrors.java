package io.staticpod.agent.pod;

import io.staticpod.manifest.PodKey;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pods whose manifest turned invalid while their last good version keeps running, with the errors: written by
 * the reconcile thread from each {@link io.staticpod.agent.desired.DesiredChange}, read by the lanes for the pods'
 * status.
 */
public final class ManifestErrors {
    private final Map<PodKey, String> errors = new ConcurrentHashMap<>();

    /** The error of {@code key}'s manifest, or null. */
    public String get(PodKey key) {
        return errors.get(key);
    }

    /** Replaces every error with {@code current}. */
    void replace(Map<PodKey, String> current) {
        errors.keySet().retainAll(current.keySet());
        errors.putAll(current);
    }
}
