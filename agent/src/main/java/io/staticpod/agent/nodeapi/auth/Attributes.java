package io.staticpod.agent.nodeapi.auth;

import java.util.Locale;
import java.util.Set;

/**
 * What a request does, in the API server's terms: a verb on {@code nodes/<subresource>} of this node. As the kubelet
 * maps it ({@code GetRequestAttributes}): the verb from the HTTP method, the subresource from the first path segment
 * ({@code stats}, {@code metrics}, {@code logs} → {@code log}, everything else {@code proxy}). Beyond the kubelet:
 * exec, attach, portForward and run need {@code create} whatever the method, since a WebSocket upgrade is a GET.
 *
 * @param verb        get, create, update, patch or delete
 * @param subresource proxy, stats, metrics or log
 */
public record Attributes(String verb, String subresource) {
    private static final Set<String> INTERACTIVE = Set.of("exec", "attach", "portForward", "run");

    /**
     * @param method       the HTTP method
     * @param firstSegment the decoded first segment of the path ({@code containerLogs} of
     *                     {@code /containerLogs/ns/pod/c}), the same one the request is routed by
     * @return null for a method the node API does not take
     */
    public static Attributes of(String method, String firstSegment) {
        String verb = switch (method) {
            case "GET", "HEAD" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> null;
        };
        if (verb == null) {
            return null;
        }
        String subresource = switch (firstSegment) {
            case "stats" -> "stats";
            case "metrics" -> "metrics";
            case "logs" -> "log";
            default -> "proxy";
        };
        if (INTERACTIVE.contains(firstSegment)) {
            verb = "create";
        }
        return new Attributes(verb, subresource);
    }

    @Override
    public String toString() {
        return verb + " nodes/" + subresource.toLowerCase(Locale.ROOT);
    }
}
