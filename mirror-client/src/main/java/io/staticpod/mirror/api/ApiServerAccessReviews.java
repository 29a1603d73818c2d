package io.staticpod.mirror.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.mirror.AccessReviews;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AccessReviews} with the node's client: {@code POST
 * /apis/authentication.k8s.io/v1/tokenreviews} and {@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews}.
 * Failures are {@link AccessReviews.Unavailable} whose message names the call and the answer's status, never the
 * request body (it holds the token) nor fabric8's exception (whose message may quote it).
 */
final class ApiServerAccessReviews implements AccessReviews {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final RawRequests raw;

    ApiServerAccessReviews(RawRequests raw) {
        this.raw = Objects.requireNonNull(raw, "raw");
    }

    @Override
    public TokenVerdict reviewToken(String token) {
        ObjectNode request = F.objectNode().put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenReview");
        request.putObject("spec").put("token", token);
        JsonNode status = send("TokenReview", "/apis/authentication.k8s.io/v1/tokenreviews", request);
        JsonNode user = status.path("user");
        if (!status.path("authenticated").asBoolean(false) || !user.isObject()) {
            return new TokenVerdict(false, null, status.path("error").asText(null));
        }
        String name = user.path("username").asText("");
        if (name.isEmpty()) {
            return new TokenVerdict(false, null, "the API server authenticated the token as no user");
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        user.path("extra").properties().forEach(e -> extra.put(e.getKey(), strings(e.getValue())));
        return new TokenVerdict(true, new User(name, user.path("uid").asText(null), strings(user.path("groups")),
                extra), null);
    }

    @Override
    public AccessVerdict review(AccessRequest request) {
        User user = request.user();
        ObjectNode sar = F.objectNode().put("apiVersion", "authorization.k8s.io/v1")
                .put("kind", "SubjectAccessReview");
        ObjectNode spec = sar.putObject("spec").put("user", user.name());
        if (!user.uid().isEmpty()) {
            spec.put("uid", user.uid());
        }
        ArrayNode groups = spec.putArray("groups");
        user.groups().forEach(groups::add);
        if (!user.extra().isEmpty()) {
            ObjectNode extra = spec.putObject("extra");
            user.extra().forEach((k, values) -> values.forEach(extra.withArray(k)::add));
        }
        spec.putObject("resourceAttributes").put("group", "").put("version", "v1")
                .put("resource", request.resource()).put("subresource", request.subresource())
                .put("name", request.name()).put("verb", request.verb()); // AccessRequest: none of them null
        JsonNode status = send("SubjectAccessReview", "/apis/authorization.k8s.io/v1/subjectaccessreviews", sar);
        boolean allowed = status.path("allowed").asBoolean(false);
        String evaluationError = status.path("evaluationError").asText("");
        if (!evaluationError.isEmpty() && !allowed) {
            // an authorizer could not decide: neither allowed nor a considered denial (the kubelet answers 500)
            throw new Unavailable("SubjectAccessReview failed: " + evaluationError);
        }
        return new AccessVerdict(allowed, status.path("reason").asText(""));
    }

    /** POSTs the review and returns the answer's status; failures as {@link Unavailable} naming {@code what}. */
    private JsonNode send(String what, String path, ObjectNode review) {
        JsonNode answer;
        try {
            answer = raw.create(path, review);
        } catch (KubernetesClientException | IllegalStateException e) {
            throw new Unavailable(what + " failed: " + describe(e));
        }
        JsonNode status = answer.path("status");
        if (!status.isObject()) {
            throw new Unavailable(what + " failed: the API server answered without a status");
        }
        return status;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** {@code 403 Forbidden} or the cause's class and message (connection refused, timed out), never the body sent. */
    static String describe(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            String message = k.getStatus() == null ? null : k.getStatus().getMessage();
            return "HTTP " + k.getCode() + (message == null ? "" : ": " + cut(message));
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "no answer from the API server (" + root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + cut(root.getMessage())) + ")";
    }

    private static String cut(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
