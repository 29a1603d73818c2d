package io.staticpod.mirror;

import java.util.Objects;

/**
 * An event about a static pod.
 *
 * @param type    Normal or Warning
 * @param reason  the kubelet's reasons: Pulled, Created, Started, Killing, BackOff, Failed, FailedValidation …
 * @param message what happened, for a person
 * @param container the container it concerns, or null for the pod ({@code involvedObject.fieldPath})
 */
public record PodEvent(Type type, String reason, String message, String container) {
    public PodEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reason, "reason");
        message = message == null ? "" : message;
    }

    public enum Type { Normal, Warning }
}
