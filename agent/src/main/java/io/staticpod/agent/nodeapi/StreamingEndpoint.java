package io.staticpod.agent.nodeapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.spi.RuntimeError;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /exec/{ns}/{pod}/{container}}, {@code /attach/…}, {@code /portForward/{ns}/{pod}} (each also with the pod's
 * UID before the container) and {@code /run/…}: the static pod found (404 otherwise), the runtime asked for a URL on
 * its streaming server, and the upgraded connection handed over to it. A request that is not an upgrade is refused
 * (400), as the kubelet refuses it; {@code /run} (a command's output in one answer) is not served (501). Refusals are
 * JSON {@code Status} objects, which kubectl shows with their message.
 */
final class StreamingEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamingEndpoint() {
    }

    /** False when the path has the wrong shape (the caller answers 404). */
    static boolean serve(NodeApiBackend backend, Request request, List<String> path, Exchange exchange) {
        String kind = path.get(0);
        boolean portForward = kind.equals("portForward");
        int min = portForward ? 3 : 4;
        if (path.size() != min && path.size() != min + 1) {
            return false;
        }
        if (!request.method().equals("GET") && !request.method().equals("POST")) {
            refuse(exchange, 405, "Method Not Allowed");
            return true;
        }
        Optional<StaticPodView> pod = backend.pods().find(path.get(1), path.get(2));
        String uid = path.size() == min + 1 ? path.get(3) : null;
        if (pod.isEmpty() || (uid != null && !uid.equals(pod.get().pod().uid()))) {
            refuse(exchange, 404, "pod \"" + Dispatcher.shown(path.get(2)) + "\" in namespace \""
                    + Dispatcher.shown(path.get(1)) + "\" is not a static pod of this node");
            return true;
        }
        String container = portForward ? null : path.get(path.size() - 1);
        if (container != null && !pod.get().hasContainer(container)) {
            refuse(exchange, 404, "container \"" + Dispatcher.shown(container) + "\" not found in pod \""
                    + path.get(2) + "\"");
            return true;
        }
        if (kind.equals("run")) {
            refuse(exchange, 501, "run is not served by this agent; use exec");
            return true;
        }
        if (!request.upgrade()) {
            refuse(exchange, 400, "Upgrade request required");
            return true;
        }
        Streaming.Kind what = switch (kind) {
            case "exec" -> Streaming.Kind.EXEC;
            case "attach" -> Streaming.Kind.ATTACH;
            default -> Streaming.Kind.PORT_FORWARD;
        };
        List<Integer> ports = new ArrayList<>();
        for (String p : request.query().getOrDefault("port", List.of())) {
            try {
                ports.add(Integer.parseInt(p));
            } catch (NumberFormatException e) {
                refuse(exchange, 400, "port: \"" + Dispatcher.shown(p) + "\" is not a port number");
                return true;
            }
        }
        URI target;
        try {
            target = backend.streaming().url(new Streaming.Request(what, pod.get(), container,
                    request.query().getOrDefault("command", List.of()), flag(request, "input"),
                    flag(request, "output"), flag(request, "error"), flag(request, "tty"), ports));
        } catch (StaticPodLogs.Unsupported e) {
            refuse(exchange, 501, e.getMessage());
            return true;
        } catch (RuntimeError.NotFound e) {
            refuse(exchange, 404, e.getMessage());
            return true;
        } catch (IllegalArgumentException e) {
            refuse(exchange, 400, e.getMessage());
            return true;
        } catch (RuntimeError e) {
            refuse(exchange, 503, "the container runtime cannot open the stream: " + e.getMessage());
            return true;
        }
        exchange.tunnel(target);
        return true;
    }

    /**
     * An error answer as the API server's clients read one: a JSON {@code Status} (kubectl shows its message as
     * {@code Error from server (Reason): message}; a plain text body could be read as YAML and lost).
     */
    static void refuse(Exchange exchange, int code, String message) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("kind", "Status");
        status.put("apiVersion", "v1");
        status.put("metadata", Map.of());
        status.put("status", "Failure");
        status.put("message", message);
        String reason = switch (code) {
            case 400 -> "BadRequest";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 503 -> "ServiceUnavailable";
            default -> null;
        };
        if (reason != null) {
            status.put("reason", reason);
        }
        status.put("code", code);
        try {
            exchange.respond(code, "application/json", JSON.writeValueAsBytes(status));
        } catch (JsonProcessingException e) {
            Dispatcher.text(exchange, code, message);
        }
    }

    /** kubectl's stream flags: {@code input=1}, {@code output=1}, {@code error=1}, {@code tty=1}. */
    private static boolean flag(Request request, String name) {
        List<String> v = request.query().get(name);
        return v != null && !v.isEmpty() && List.of("1", "true").contains(v.get(0).toLowerCase(Locale.ROOT));
    }
}
