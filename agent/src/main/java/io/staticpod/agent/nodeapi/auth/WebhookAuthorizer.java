package io.staticpod.agent.nodeapi.auth;

import io.staticpod.mirror.AccessReviews;

import java.time.Duration;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * {@code authorization.mode: Webhook}: a SubjectAccessReview on {@code nodes/<subresource>} named after this node,
 * its answer kept for {@code cacheAuthorizedTTL} when allowed and {@code cacheUnauthorizedTTL} when denied. An API
 * server that cannot be asked is {@link Decision.Unavailable} (never cached, never allowed).
 */
public final class WebhookAuthorizer implements Authorizer {
    private static final int CACHE_SIZE = 4096;

    private final String nodeName;
    private final Supplier<AccessReviews> reviews;
    private final Duration allowedTtl;
    private final Duration deniedTtl;
    private final TtlCache<Key, Decision> decisions;

    private record Key(AccessReviews.User user, Attributes attributes) {
    }

    public WebhookAuthorizer(String nodeName, Supplier<AccessReviews> reviews, Duration allowedTtl,
                             Duration deniedTtl, InstantSource clock) {
        this.nodeName = nodeName;
        this.reviews = reviews;
        this.allowedTtl = allowedTtl;
        this.deniedTtl = deniedTtl;
        this.decisions = new TtlCache<>(clock, CACHE_SIZE);
    }

    @Override
    public Decision authorize(AccessReviews.User user, Attributes attributes) {
        Key key = new Key(user, attributes);
        Decision cached = decisions.get(key);
        if (cached != null) {
            return cached;
        }
        AccessReviews.AccessVerdict verdict;
        try {
            verdict = reviews.get().review(new AccessReviews.AccessRequest(user, attributes.verb(), "nodes",
                    attributes.subresource(), nodeName));
        } catch (AccessReviews.Unavailable e) {
            return new Decision.Unavailable(e.getMessage());
        }
        Decision d = verdict.allowed() ? new Decision.Allow() : new Decision.Deny(verdict.reason());
        decisions.put(key, d, verdict.allowed() ? allowedTtl : deniedTtl);
        return d;
    }
}
