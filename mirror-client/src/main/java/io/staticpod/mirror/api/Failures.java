package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Which API server failures are worth retrying soon, and their message for a person. */
final class Failures {
    private Failures() {
    }

    /** Unreachable, timed out, overloaded or failing: retry with backoff. Anything else is an answer. */
    static boolean isTransient(KubernetesClientException e) {
        int code = e.getCode();
        return code <= 0 || code >= 500 || code == 429 || code == 408;
    }

    static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == 404;
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
