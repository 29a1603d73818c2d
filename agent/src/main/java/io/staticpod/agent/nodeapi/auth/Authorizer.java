package io.staticpod.agent.nodeapi.auth;

import io.staticpod.mirror.AccessReviews;

/** Whether a user may do what a request does on this node. Thread-safe. */
public interface Authorizer {

    Decision authorize(AccessReviews.User user, Attributes attributes);

    /** The outcome: allowed, denied (403), or not decidable now (503; never allowed). */
    sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.Unavailable {
        record Allow() implements Decision {
        }

        record Deny(String reason) implements Decision {
        }

        record Unavailable(String reason) implements Decision {
        }
    }

    /** {@code authorization.mode: AlwaysAllow}. */
    Authorizer ALWAYS_ALLOW = (user, attributes) -> new Decision.Allow();
}
