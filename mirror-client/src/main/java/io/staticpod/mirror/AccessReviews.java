package io.staticpod.mirror;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Asking the API server who a bearer token belongs to ({@code TokenReview}) and whether a user may do something
 * ({@code SubjectAccessReview}), as the kubelet's webhook authenticator and authorizer do for its node API, with the
 * node's own credentials (a node may create both). Each call is one request, blocking for at most the client's request
 * timeout; nothing is cached here (the node API caches, with its own TTLs).
 *
 * <p>Thread-safe. No token reaches a log line, an exception message or a {@code toString()}.
 */
public interface AccessReviews {

    /**
     * Who {@code token} belongs to.
     *
     * @throws Unavailable when the API server cannot be asked or answers with an error (not a verdict on the token)
     */
    TokenVerdict reviewToken(String token);

    /**
     * Whether the API server's authorizers allow {@code request}.
     *
     * @throws Unavailable when the API server cannot be asked or answers with an error
     */
    AccessVerdict review(AccessRequest request);

    /** An authenticated user, as TokenReview answers and SubjectAccessReview asks. */
    record User(String name, String uid, List<String> groups, Map<String, List<String>> extra) {
        public User {
            Objects.requireNonNull(name, "name");
            uid = uid == null ? "" : uid;
            groups = groups == null ? List.of() : List.copyOf(groups);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
        }
    }

    /**
     * @param user  null unless authenticated
     * @param error what the API server said about a token it did not accept, or null
     */
    record TokenVerdict(boolean authenticated, User user, String error) {
    }

    /**
     * A resource request on a cluster-scoped object: {@code nodes/<subresource>} of one node, in the core group, v1.
     *
     * @param verb        get, create, update, patch, delete
     * @param subresource proxy, log, stats, metrics, or empty
     */
    record AccessRequest(User user, String verb, String resource, String subresource, String name) {
        public AccessRequest {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(verb, "verb");
            Objects.requireNonNull(resource, "resource");
            subresource = subresource == null ? "" : subresource;
            Objects.requireNonNull(name, "name");
        }
    }

    /** @param reason the authorizer's words, or empty */
    record AccessVerdict(boolean allowed, String reason) {
    }

    /** The API server could not be asked (no client yet, unreachable, timed out, or it answered with an error). */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** Standalone (no {@code --kubeconfig}): nothing can be reviewed. */
    AccessReviews NONE = new AccessReviews() {
        @Override
        public TokenVerdict reviewToken(String token) {
            throw new Unavailable("no API server: the agent runs without --kubeconfig, so bearer tokens cannot be "
                    + "reviewed (TokenReview)");
        }

        @Override
        public AccessVerdict review(AccessRequest request) {
            throw new Unavailable("no API server: the agent runs without --kubeconfig, so authorization.mode "
                    + "Webhook cannot ask (SubjectAccessReview); use AlwaysAllow with x509 client certificates");
        }
    };
}
