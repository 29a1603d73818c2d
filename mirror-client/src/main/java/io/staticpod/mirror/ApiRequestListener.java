package io.staticpod.mirror;

import java.time.Duration;

/**
 * Told of every HTTP request the client makes to the API server, once it has its answer (or failed to get one):
 * the agent's metrics implement it. Called on the HTTP client's threads: must be quick, must not throw, thread-safe.
 */
@FunctionalInterface
public interface ApiRequestListener {

    /** No one listens. */
    ApiRequestListener NONE = (verb, resource, took, code) -> {
    };

    /**
     * @param verb     the Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection
     * @param resource the resource, with its subresource when there is one: {@code pods}, {@code pods/status},
     *                 {@code nodes/status}, {@code leases}, {@code events}
     * @param took     from sending the request to the answer's headers (for a watch: until the stream opened)
     * @param code     the HTTP status, or 0 when there was no answer (refused, reset, timed out)
     */
    void apiRequest(String verb, String resource, Duration took, int code);
}
