package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.docker.Secrets;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that turns what the Docker engine answered (or did not) into a typed {@link RuntimeError}. Every
 * message names the call and quotes the engine's own words, which Docker puts in {@code {"message": "..."}}.
 *
 * <p>Status codes, as Docker 20.10 uses them: 404 is a missing container, exec or image (an image for a create or an
 * image call: {@link RuntimeError.ImageUnavailable}); 409 a conflict (a name in use, a container not running); 400
 * a request the engine refuses (a bad configuration, a command that cannot run, an API version it does not speak);
 * 500 an engine that failed, except for a start, where it is the container's configuration the engine could not
 * apply (a taken host port, a mount that cannot be made), and for a pull, where it is the registry; 503 and a missing
 * or dead socket: unavailable.
 */
final class ApiErrors {

    /** What kind of call failed, which decides a few mappings. */
    enum Kind { READ, CREATE, START, IMAGE, EXEC, OTHER }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOO_OLD = Pattern.compile(
            "client version ([0-9.]+) is too old\\. Minimum supported API version is ([0-9.]+)");
    private static final int MAX_MESSAGE = 1000;

    private ApiErrors() {
    }

    /** A call that got no answer: the socket is missing or dead, or the deadline passed. */
    static RuntimeError transport(String what, String endpoint, IOException e) {
        if (e instanceof DockerHttp.TimedOutException) {
            return new RuntimeError.TimedOut("docker: " + what + ": the engine at " + endpoint + " gave no answer: "
                    + e.getMessage(), e);
        }
        return new RuntimeError.Unavailable("docker: " + what + ": cannot reach the engine at " + endpoint + ": "
                + e, e);
    }

    /** A call the engine answered with an error status. */
    static RuntimeError status(Kind kind, String what, int status, byte[] body, String ourVersion) {
        String message = message(body);
        String said = "docker: " + what + ": the engine answered " + status + ": " + message;
        Matcher tooOld = TOO_OLD.matcher(message);
        if (tooOld.find()) {
            return new RuntimeError.Refused("the Docker engine refuses API version " + ourVersion
                    + ", the one this adapter speaks; it needs at least " + tooOld.group(2)
                    + " (upgrade static-pod-agent, or use --runtime docker-cli); " + said, null);
        }
        if (kind == Kind.EXEC && (status == 404 || status == 409)) {
            return new RuntimeError.NotFound(said); // 409: the container is not running
        }
        if (status == 404) {
            boolean image = kind == Kind.IMAGE || kind == Kind.CREATE && message.contains("No such image");
            return image ? new RuntimeError.ImageUnavailable(said, null) : new RuntimeError.NotFound(said);
        }
        if (kind == Kind.IMAGE) {
            // a pull the engine could not do (no registry, no such repository): the image's problem
            return new RuntimeError.ImageUnavailable(said, null);
        }
        if (status >= 400 && status < 500) {
            return new RuntimeError.Refused(said, null);
        }
        if (kind == Kind.START && status == 500) {
            return new RuntimeError.Refused(said, null);
        }
        return new RuntimeError.Unavailable(said, null);
    }

    /** The engine's words: the {@code message} of its JSON error, or the body as text, cut to a length. */
    static String message(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.hasNonNull("message")) {
                text = node.get("message").asText();
            }
        } catch (IOException | RuntimeException notJson) {
            // the text as it is
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    /**
     * {@code error} with every occurrence of {@code secrets} in its message replaced ({@link Secrets#redact}): the
     * engine may quote the request it refused. The cause is dropped: it carries no more than the message.
     */
    static RuntimeError redact(RuntimeError error, Collection<String> secrets) {
        String message = error.getMessage();
        String redacted = Secrets.redact(message, secrets);
        if (redacted.equals(message)) {
            return error;
        }
        if (error instanceof RuntimeError.NotFound) {
            return new RuntimeError.NotFound(redacted);
        }
        if (error instanceof RuntimeError.ImageUnavailable) {
            return new RuntimeError.ImageUnavailable(redacted, null);
        }
        if (error instanceof RuntimeError.TimedOut) {
            return new RuntimeError.TimedOut(redacted, null);
        }
        if (error instanceof RuntimeError.Unavailable) {
            return new RuntimeError.Unavailable(redacted, null);
        }
        return new RuntimeError.Refused(redacted, null);
    }
}
