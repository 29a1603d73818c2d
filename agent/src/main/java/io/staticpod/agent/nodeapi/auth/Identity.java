package io.staticpod.agent.nodeapi.auth;

import io.staticpod.mirror.AccessReviews;

/** The outcome of authentication. */
public sealed interface Identity permits Identity.Known, Identity.Rejected, Identity.Unavailable {
    /** @param via how: {@code x509}, {@code token} or {@code anonymous} (for the request log) */
    record Known(AccessReviews.User user, String via) implements Identity {
    }

    /** No acceptable credentials: 401. {@code reason} is for the log, never the client. */
    record Rejected(String reason) implements Identity {
    }

    /** The credentials could not be checked (the API server did not answer a TokenReview): 503. */
    record Unavailable(String reason) implements Identity {
    }
}
