package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Docker engine as the parts of {@link DockerApiRuntime} call it: versioned paths, JSON in and out, the
 * negotiated API version, and every failure typed by {@link ApiErrors}. Thread-safe.
 *
 * <p><b>Version.</b> On the first call, {@code GET /_ping} tells the engine's newest API version ({@code Api-Version});
 * the adapter uses the older of that and {@link #OURS}, in the path of every call ({@code /v1.41/...}). An engine
 * that no longer speaks it answers 400, which {@link ApiErrors} names with both versions. A failed negotiation is
 * tried again at the next call.
 */
final class ApiClient implements AutoCloseable {

    /** The API version this adapter is written and tested against: Docker 20.10 (Debian 12's docker.io). */
    static final String OURS = "1.41";

    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    final String endpoint;
    final Duration callTimeout;
    final DockerHttp http;
    private volatile String version;

    ApiClient(String endpoint, Path socket, Duration callTimeout) {
        this.endpoint = endpoint;
        this.callTimeout = callTimeout;
        this.http = new DockerHttp(socket);
    }

    /** The API version in use, negotiated on first use. */
    String version() {
        String v = version;
        if (v != null) {
            return v;
        }
        DockerHttp.Answer ping;
        try {
            ping = http.call("GET", "/_ping", null, callTimeout);
        } catch (IOException e) {
            throw ApiErrors.transport("ping", endpoint, e);
        }
        if (ping.status() != 200) {
            throw ApiErrors.status(ApiErrors.Kind.OTHER, "ping", ping.status(), ping.body(), OURS);
        }
        v = ping.apiVersion() == null ? OURS : older(OURS, ping.apiVersion());
        version = v;
        return v;
    }

    /** {@code /v<version><path>}. */
    String path(String path) {
        return "/v" + version() + path;
    }

    /** A call whose answer must be 2xx or 304; returns the answer. */
    DockerHttp.Answer call(ApiErrors.Kind kind, String what, String method, String path, Object body,
                           Duration deadline) {
        DockerHttp.Answer answer = send(what, method, path, body, deadline);
        if (answer.status() >= 300 && answer.status() != 304) {
            throw ApiErrors.status(kind, what, answer.status(), answer.body(), version());
        }
        return answer;
    }

    /** A call whose answer is returned whatever its status (transport failures still throw). */
    DockerHttp.Answer send(String what, String method, String path, Object body, Duration deadline) {
        byte[] json = null;
        try {
            if (body != null) {
                json = JSON.writeValueAsBytes(body);
            }
            return http.call(method, path(path), json, deadline);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("docker: " + what + ": cannot write the request", e);
        } catch (IOException e) {
            throw ApiErrors.transport(what, endpoint, e);
        }
    }

    /** A GET whose JSON answer is returned; a 404 is {@link RuntimeError.NotFound}. */
    JsonNode get(ApiErrors.Kind kind, String what, String path) {
        return json(what, call(kind, what, "GET", path, null, callTimeout));
    }

    static JsonNode json(String what, DockerHttp.Answer answer) {
        try {
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new RuntimeError.Unavailable("docker: " + what + ": the engine's answer is not JSON: "
                    + e.getMessage(), e);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The older of two API versions ({@code 1.41} vs {@code 1.9}: numeric parts compared). */
    static String older(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int xi = i < x.length ? parse(x[i]) : 0;
            int yi = i < y.length ? parse(y[i]) : 0;
            if (xi != yi) {
                return xi < yi ? a : b;
            }
        }
        return a;
    }

    private static int parse(String part) {
        try {
            return Integer.parseInt(part.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
