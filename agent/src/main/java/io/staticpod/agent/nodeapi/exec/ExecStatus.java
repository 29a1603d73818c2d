package io.staticpod.agent.nodeapi.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.spi.RuntimeError;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code Status} an exec session writes on its error stream at the end, as the kubelet writes it for
 * {@code v4.channel.k8s.io}: kubectl reads {@code NonZeroExitCode}'s cause as the exit code it exits with.
 */
final class ExecStatus {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecStatus() {
    }

    static byte[] of(int exitCode, List<String> command) {
        if (exitCode == 0) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("metadata", Map.of());
            s.put("status", "Success");
            return json(s);
        }
        Map<String, Object> s = failure("command terminated with non-zero exit code: error executing command "
                + command + ", exit code " + exitCode, "NonZeroExitCode");
        s.put("details", Map.of("causes", List.of(Map.of("reason", "ExitCode", "message",
                Integer.toString(exitCode)))));
        return json(s);
    }

    /** The runtime failed (its {@link RuntimeError}), or the agent did: {@code InternalError}. */
    static byte[] internalError(RuntimeException e) {
        Map<String, Object> s = failure("error executing command in container: " + (e instanceof RuntimeError
                ? e.getMessage() : e.toString()), "InternalError");
        s.put("code", 500);
        return json(s);
    }

    static byte[] tooManySessions(int max) {
        Map<String, Object> s = failure("too many exec sessions at once on this node (at most " + max + "); try"
                + " again when one has ended", "TooManyRequests");
        s.put("code", 429);
        return json(s);
    }

    private static Map<String, Object> failure(String message, String reason) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("metadata", Map.of());
        s.put("status", "Failure");
        s.put("message", message);
        s.put("reason", reason);
        return s;
    }

    private static byte[] json(Map<String, Object> status) {
        try {
            return JSON.writeValueAsBytes(status);
        } catch (JsonProcessingException e) {
            return "{\"metadata\":{},\"status\":\"Failure\"}".getBytes(StandardCharsets.UTF_8);
        }
    }
}
