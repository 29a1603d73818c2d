package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.spi.RuntimeError;

/**
 * gRPC status codes to typed {@link RuntimeError}s, in one place. Messages name the call, what it was about, the
 * endpoint and what the runtime answered:
 * <ul>
 *   <li>{@code UNAVAILABLE} (no socket, connection refused or cut, runtime shutting down) → {@link RuntimeError.Unavailable}</li>
 *   <li>{@code NOT_FOUND} → {@link RuntimeError.NotFound}</li>
 *   <li>{@code DEADLINE_EXCEEDED} (our deadline passed) → {@link RuntimeError.TimedOut}</li>
 *   <li>any other code → {@link RuntimeError.Refused}, with the runtime's message</li>
 * </ul>
 * Image pulls are mapped by {@link #pullFailed}: whatever the runtime answers, except that it is down or too slow,
 * means the image is unavailable.
 */
final class CriErrors {
    private final String endpoint;

    CriErrors(String endpoint) {
        this.endpoint = endpoint;
    }

    /** The typed error for a failed call {@code call} about {@code subject} (an id, an image, a pod). */
    RuntimeError map(String call, String subject, StatusRuntimeException e) {
        Status status = e.getStatus();
        String message = describe(call, subject, status);
        return switch (status.getCode()) {
            case UNAVAILABLE -> new RuntimeError.Unavailable(message
                    + " (is the CRI runtime running and serving this socket?)", e);
            case NOT_FOUND -> new RuntimeError.NotFound(message);
            case DEADLINE_EXCEEDED -> new RuntimeError.TimedOut(message, e);
            default -> new RuntimeError.Refused(message, e);
        };
    }

    /** A failed {@code PullImage}: {@link RuntimeError.ImageUnavailable} unless the runtime is down or too slow. */
    RuntimeError pullFailed(String image, StatusRuntimeException e) {
        RuntimeError mapped = map("PullImage", image, e);
        if (mapped instanceof RuntimeError.Unavailable || mapped instanceof RuntimeError.TimedOut) {
            return mapped;
        }
        return new RuntimeError.ImageUnavailable(describe("PullImage", image, e.getStatus()), e);
    }

    String describe(String call, String subject, Status status) {
        String answer = status.getDescription() == null ? "" : ": " + status.getDescription();
        String about = subject == null || subject.isEmpty() ? "" : " " + subject;
        return "CRI " + call + about + " at " + endpoint + " failed with " + status.getCode() + answer;
    }

    String endpoint() {
        return endpoint;
    }
}
