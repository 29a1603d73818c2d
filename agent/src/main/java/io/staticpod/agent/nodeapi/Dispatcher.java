package io.staticpod.agent.nodeapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.agent.nodeapi.auth.Attributes;
import io.staticpod.agent.nodeapi.auth.Authenticator;
import io.staticpod.agent.nodeapi.auth.Authorizer;
import io.staticpod.agent.nodeapi.auth.Identity;
import io.staticpod.agent.nodeapi.metrics.ResourceMetrics;
import io.staticpod.mirror.AccessReviews;
import io.staticpod.mirror.api.PodLists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;

/**
 * Handles one request, as the kubelet's server does: authenticate (401, or 503 when a token cannot be checked),
 * authorize the verb on {@code nodes/<subresource>} of this node (403 from the node itself, 503 when the API server
 * cannot be asked: never allowed), then route by the first path segment (404 for anything else). Runs on a worker
 * thread; blocking calls (reviews, reading cgroups) are fine here. Never logs a header, a token or a certificate.
 */
public final class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> GET_ONLY = Set.of("healthz", "pods", "metrics", "containerLogs");

    private final NodeApiBackend backend;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final ResourceMetrics resources;
    private final LogsEndpoint logs;
    private final String hostIp;
    private final InstantSource clock;

    Dispatcher(NodeApiBackend backend, Authenticator authenticator, Authorizer authorizer, ResourceMetrics resources,
               StreamSlots slots, String hostIp, InstantSource clock) {
        this.backend = backend;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.resources = resources;
        this.logs = new LogsEndpoint(backend.pods(), backend.logs(), slots, clock);
        this.hostIp = hostIp;
        this.clock = clock;
    }

    public void handle(Request request, Exchange exchange) {
        List<String> path = RequestPath.segments(request.rawPath());
        if (path == null) {
            text(exchange, 400, "malformed escape in the request path");
            return;
        }
        String first = path.isEmpty() ? "" : path.get(0);
        Attributes attributes = Attributes.of(request.method(), first);
        if (attributes == null) {
            text(exchange, 405, "method " + shown(request.method()) + " not allowed");
            return;
        }
        Identity identity = authenticator.authenticate(request.peerCertificates(), request.header("Authorization"));
        if (identity instanceof Identity.Rejected rejected) {
            log.debug("Node API request unauthenticated request={} reason={}", request, rejected.reason());
            text(exchange, 401, "Unauthorized");
            return;
        }
        if (identity instanceof Identity.Unavailable unavailable) {
            log.warn("Node API cannot check a bearer token; answered 503 request={} error={}", request,
                    unavailable.reason());
            text(exchange, 503, "Unauthorized: the bearer token cannot be checked now (the API server does not"
                    + " answer its TokenReview); try again later");
            return;
        }
        AccessReviews.User user = ((Identity.Known) identity).user();
        exchange.identify(user.name() + " via " + ((Identity.Known) identity).via());
        Authorizer.Decision decision = authorizer.authorize(user, attributes);
        if (decision instanceof Authorizer.Decision.Unavailable unavailable) {
            log.warn("Node API cannot authorize; answered 503 request={} user={} error={}", request, user.name(),
                    unavailable.reason());
            text(exchange, 503, "Authorization error (user=" + user.name() + ", verb=" + attributes.verb()
                    + ", resource=nodes, subresource=" + attributes.subresource() + "): the API server does not"
                    + " answer its SubjectAccessReview; try again later");
            return;
        }
        if (decision instanceof Authorizer.Decision.Deny) {
            log.debug("Node API request forbidden request={} user={} attributes={}", request, user.name(), attributes);
            text(exchange, 403, "Forbidden (user=" + user.name() + ", verb=" + attributes.verb()
                    + ", resource=nodes, subresource(s)=[" + attributes.subresource() + "])");
            return;
        }
        if (GET_ONLY.contains(first) && !request.method().equals("GET") && !request.method().equals("HEAD")) {
            text(exchange, 405, "Method Not Allowed");
            return;
        }
        route(request, path, exchange);
    }

    private void route(Request request, List<String> path, Exchange exchange) {
        String first = path.isEmpty() ? "" : path.get(0);
        try {
            switch (first) {
                case "healthz" -> {
                    if (path.size() == 1) {
                        healthz(request, exchange);
                        return;
                    }
                }
                case "pods" -> {
                    if (path.size() == 1) {
                        List<PodLists.Entry> entries = backend.pods().list().stream()
                                .map(v -> new PodLists.Entry(v.pod(), v.status())).toList();
                        exchange.respond(200, "application/json",
                                JSON.writeValueAsBytes(PodLists.podList(entries, hostIp, clock.instant())));
                        return;
                    }
                }
                case "metrics" -> {
                    if (path.size() == 1) {
                        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
                        backend.metrics().write(out);
                        exchange.respond(200, backend.metrics().contentType(), out.toByteArray());
                        return;
                    }
                    if (path.size() == 2 && path.get(1).equals("resource")) {
                        exchange.respond(200, ResourceMetrics.CONTENT_TYPE, resources.render(backend.pods().list()));
                        return;
                    }
                }
                case "containerLogs" -> {
                    if (path.size() == 4) {
                        logs.serve(request, path.get(1), path.get(2), path.get(3), exchange);
                        return;
                    }
                }
                case "exec", "attach", "portForward", "run" -> {
                    if (StreamingEndpoint.serve(backend, request, path, exchange)) {
                        return;
                    }
                }
                default -> {
                }
            }
            text(exchange, 404, "404 page not found");
        } catch (IOException | RuntimeException e) {
            log.warn("Node API request failed request={} error={}", request, e.toString());
            text(exchange, 500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private void healthz(Request request, Exchange exchange) {
        NodeApiBackend.Health.Report report = backend.health().check();
        boolean verbose = request.query().containsKey("verbose");
        if (report.healthy() && !verbose) {
            text(exchange, 200, "ok");
            return;
        }
        text(exchange, report.healthy() ? 200 : 500, String.join("\n", report.lines()) + "\n"
                + (report.healthy() ? "healthz check passed" : "healthz check failed"));
    }

    static void text(Exchange exchange, int status, String message) {
        LogsEndpoint.text(exchange, status, message);
    }

    /** A name from the request, for a message: at most 64 characters. */
    static String shown(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
