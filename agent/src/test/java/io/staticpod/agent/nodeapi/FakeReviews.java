package io.staticpod.agent.nodeapi;

import io.staticpod.mirror.AccessReviews;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The API server's reviews, in memory: known tokens, allowed (user, verb, subresource) triples, a down switch. */
final class FakeReviews implements AccessReviews {
    final Map<String, User> tokens = new ConcurrentHashMap<>();
    final Set<String> allowed = ConcurrentHashMap.newKeySet();
    final AtomicInteger tokenReviews = new AtomicInteger();
    final AtomicInteger accessReviews = new AtomicInteger();
    volatile boolean down;
    volatile AccessRequest last;

    /** {@code user} may {@code verb} {@code nodes/<subresource>}. */
    FakeReviews allow(String user, String verb, String subresource) {
        allowed.add(user + " " + verb + " " + subresource);
        return this;
    }

    @Override
    public TokenVerdict reviewToken(String token) {
        tokenReviews.incrementAndGet();
        if (down) {
            throw new Unavailable("TokenReview failed: no answer from the API server (ConnectException)");
        }
        User user = tokens.get(token);
        return user == null ? new TokenVerdict(false, null, "invalid bearer token") : new TokenVerdict(true, user, null);
    }

    @Override
    public AccessVerdict review(AccessRequest request) {
        accessReviews.incrementAndGet();
        last = request;
        if (down) {
            throw new Unavailable("SubjectAccessReview failed: no answer from the API server (ConnectException)");
        }
        boolean ok = request.resource().equals("nodes")
                && allowed.contains(request.user().name() + " " + request.verb() + " " + request.subresource());
        return new AccessVerdict(ok, ok ? "" : "no rule");
    }
}
