package io.staticpod.mirror.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agent's requests to the API server, sent on the client's own HTTP client (the same TLS, credentials and request
 * metering), with objects as JSON trees: a GET, a POST, a PATCH sent as is, without fabric8's GET of the object first
 * (which doubles every Lease renewal and status write, and which the Node authorizer refuses for events), and a DELETE
 * with the mirror's UID as precondition and grace period 0, as the kubelet's {@code DeleteMirrorPod}. Only the pod
 * watch goes through fabric8's DSL (its informer). Failures are thrown as
 * fabric8 throws them: a {@link KubernetesClientException} with the HTTP code and the API server's {@link Status}
 * (Retry-After included), or code 0 when there was no answer. Thread-safe.
 */
final class RawRequests {
    private final KubernetesClient client;

    RawRequests(KubernetesClient client) {
        this.client = client;
    }

    /**
     * PATCH of {@code path} ({@code /api/v1/nodes/node-1/status}).
     *
     * @param answer the type to read the answer as, or null to ignore it
     */
    <T> T patch(String path, PatchType type, String body, Class<T> answer) {
        String text = send("PATCH", path, type.getContentType(), body);
        return answer == null ? null : client.getKubernetesSerialization().unmarshal(text, answer);
    }

    /** GET of an object ({@code /api/v1/nodes/node-1}); null when there is none (404). */
    JsonNode get(String path) {
        try {
            return tree("GET", path, send("GET", path, null, null));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    /** POST of a new object to {@code path} ({@code /api/v1/namespaces/default/events}); the object as stored. */
    JsonNode create(String path, JsonNode object) {
        return tree("POST", path, send("POST", path, "application/json", object.toString()));
    }

    /** DELETE of a pod with grace period 0 and its UID as precondition; gone (404) or replaced (409) is success. */
    void deletePod(String namespace, String name, String uid) {
        String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0,"
                + "\"preconditions\":{\"uid\":\"" + uid + "\"}}";
        try {
            send("DELETE", "/api/v1/namespaces/" + namespace + "/pods/" + name, "application/json", options);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static JsonNode tree(String method, String path, String body) {
        try {
            return MirrorPodObjects.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new KubernetesClientException(method + " " + path + ": the answer is not JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** Sends the request and returns the answer's body; {@code body} null: a GET. */
    private String send(String method, String path, String contentType, String body) {
        HttpClient http = client.getHttpClient();
        String url = client.getMasterUrl().toString().replaceAll("/+$", "") + path;
        long timeout = Math.max(1, client.getConfiguration().getRequestTimeout());
        HttpRequest.Builder builder = http.newHttpRequestBuilder().uri(url).timeout(timeout, TimeUnit.MILLISECONDS);
        HttpRequest request = (body == null ? builder : builder.method(method, contentType, body)).build();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request, String.class);
        HttpResponse<String> response;
        try {
            response = answer.get(timeout + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new KubernetesClientException(method + " " + path + ": interrupted", e);
        } catch (ExecutionException e) {
            throw new KubernetesClientException(method + " " + path + ": no answer: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new KubernetesClientException(method + " " + path + ": no answer within " + timeout + " ms", e);
        }
        if (!response.isSuccessful()) {
            throw new KubernetesClientException(status(response));
        }
        return response.body();
    }

    /** The API server's Status from the answer, or one made of the code when the body is something else. */
    private Status status(HttpResponse<String> response) {
        Status status = null;
        try {
            status = client.getKubernetesSerialization().unmarshal(response.body(), Status.class);
        } catch (RuntimeException e) {
            // not a Status (a proxy's page): made below
        }
        if (status == null || status.getCode() == null) {
            status = new StatusBuilder().withCode(response.code()).withStatus("Failure")
                    .withMessage("HTTP " + response.code()).build();
        }
        String retryAfter = response.header("Retry-After");
        if (retryAfter != null && retryAfter.strip().matches("\\d{1,6}")
                && (status.getDetails() == null || status.getDetails().getRetryAfterSeconds() == null)) {
            status = new StatusBuilder(status).editOrNewDetails()
                    .withRetryAfterSeconds(Integer.parseInt(retryAfter.strip())).endDetails().build();
        }
        return status;
    }
}
