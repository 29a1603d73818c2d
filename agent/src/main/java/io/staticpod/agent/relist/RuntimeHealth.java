package io.staticpod.agent.relist;

import java.time.Instant;

/**
 * The container runtime's health as the relister sees it: ready (the last list succeeded, or none was tried yet) or
 * down with what failed, since when, and when the runtime last answered a list. Times are on the relister's clock
 * (monotonic). Immutable; {@link Relister#health()} hands out the current one.
 *
 * @param message     what failed, empty while ready
 * @param since       when it became ready or down (the relister's start before any list)
 * @param lastSuccess when the runtime last answered a list, or null if it never did
 */
public record RuntimeHealth(boolean ready, String message, Instant since, Instant lastSuccess) {
    public RuntimeHealth {
        message = message == null ? "" : message;
    }

    /** Before the first list: taken as ready, never answered. */
    static RuntimeHealth starting(Instant at) {
        return new RuntimeHealth(true, "", at, null);
    }

    /** This list failed with {@code message}: down since the first failure of the outage. */
    RuntimeHealth failed(String message, Instant at) {
        return new RuntimeHealth(false, message, ready ? at : since, lastSuccess);
    }

    /** This list succeeded at {@code at}: ready since the first success after an outage. */
    RuntimeHealth answered(Instant at) {
        return new RuntimeHealth(true, "", ready ? since : at, at);
    }
}
