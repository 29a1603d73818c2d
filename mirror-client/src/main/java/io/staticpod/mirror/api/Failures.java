package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.time.Duration;

/** Which API server failures are worth retrying soon, which stop a pass, and their message for a person. */
final class Failures {
    private Failures() {
    }

    /** Unreachable, timed out, overloaded or failing: retry with back-off. Anything else is an answer. */
    static boolean isTransient(KubernetesClientException e) {
        int code = e.getCode();
        return code <= 0 || code >= 500 || code == 429 || code == 408;
    }

    /**
     * Whether a failure stops the whole pass: unreachable, timed out, connection lost (no answer), or asked to slow
     * down (429). Any other answer fails only its own request.
     */
    static boolean stopsPass(KubernetesClientException e) {
        return e.getCode() <= 0 || e.getCode() == 429;
    }

    /**
     * How long the API server asked us to wait ({@code Status.details.retryAfterSeconds}, sent with 429 and some 5xx,
     * together with the {@code Retry-After} header), capped at ten minutes; zero when it did not say.
     */
    static Duration retryAfter(KubernetesClientException e) {
        Status s = e.getStatus();
        if (s == null || s.getDetails() == null || s.getDetails().getRetryAfterSeconds() == null) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Math.max(0, Math.min(600, s.getDetails().getRetryAfterSeconds())));
    }

    static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }

    static boolean isConflict(KubernetesClientException e) {
        return e.getCode() == 409;
    }

    /** What went wrong, short and stable enough to say "the same cause again": {@code 409 Conflict}, {@code 0 no answer}. */
    static String cause(KubernetesClientException e) {
        if (e.getCode() <= 0) {
            return "0 no answer";
        }
        Status s = e.getStatus();
        return e.getCode() + (s != null && s.getReason() != null && !s.getReason().isBlank() ? " " + s.getReason() : "");
    }

    /** The API server's own message when it sent one, else the exception's. Never includes credentials. */
    static String message(Throwable t) {
        if (t instanceof KubernetesClientException k && k.getStatus() != null && k.getStatus().getMessage() != null) {
            return k.getStatus().getMessage();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return root == t ? m : m + ": " + root;
    }
}
