package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.staticpod.mirror.AccessReviews;

import java.util.Map;
import java.util.Objects;

/**
 * {@link AccessReviews} through fabric8, with the node's client: {@code POST
 * /apis/authentication.k8s.io/v1/tokenreviews} and {@code POST /apis/authorization.k8s.io/v1/subjectaccessreviews}.
 * Failures are {@link AccessReviews.Unavailable} whose message names the call and the answer's status, never the
 * request body (it holds the token) nor fabric8's exception (whose message may quote it).
 */
final class ApiServerAccessReviews implements AccessReviews {
    private final KubernetesClient client;

    ApiServerAccessReviews(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public TokenVerdict reviewToken(String token) {
        TokenReview request = new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build();
        TokenReview answer;
        try {
            answer = client.authentication().v1().tokenReviews().create(request);
        } catch (KubernetesClientException | IllegalStateException e) {
            throw new Unavailable("TokenReview failed: " + describe(e));
        }
        var status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new Unavailable("TokenReview failed: the API server answered without a status");
        }
        if (!Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
            return new TokenVerdict(false, null, status.getError());
        }
        UserInfo u = status.getUser();
        if (u.getUsername() == null || u.getUsername().isEmpty()) {
            return new TokenVerdict(false, null, "the API server authenticated the token as no user");
        }
        return new TokenVerdict(true, new User(u.getUsername(), u.getUid(), u.getGroups(), u.getExtra()), null);
    }

    @Override
    public AccessVerdict review(AccessRequest request) {
        User user = request.user();
        SubjectAccessReview sar = new SubjectAccessReviewBuilder()
                .withNewSpec()
                .withUser(user.name())
                .withUid(user.uid().isEmpty() ? null : user.uid())
                .withGroups(user.groups())
                .withExtra(user.extra().isEmpty() ? null : Map.copyOf(user.extra()))
                .withNewResourceAttributes()
                .withGroup("").withVersion("v1").withResource(request.resource())
                .withSubresource(request.subresource()).withName(request.name()).withVerb(request.verb())
                .endResourceAttributes()
                .endSpec()
                .build();
        SubjectAccessReview answer;
        try {
            answer = client.authorization().v1().subjectAccessReview().create(sar);
        } catch (KubernetesClientException | IllegalStateException e) {
            throw new Unavailable("SubjectAccessReview failed: " + describe(e));
        }
        var status = answer == null ? null : answer.getStatus();
        if (status == null) {
            throw new Unavailable("SubjectAccessReview failed: the API server answered without a status");
        }
        if (status.getEvaluationError() != null && !status.getEvaluationError().isEmpty()
                && !Boolean.TRUE.equals(status.getAllowed())) {
            // an authorizer could not decide: neither allowed nor a considered denial (the kubelet answers 500)
            throw new Unavailable("SubjectAccessReview failed: " + status.getEvaluationError());
        }
        String reason = status.getReason() == null ? "" : status.getReason();
        return new AccessVerdict(Boolean.TRUE.equals(status.getAllowed()), reason);
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
