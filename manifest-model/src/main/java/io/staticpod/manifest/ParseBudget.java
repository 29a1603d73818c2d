package io.staticpod.manifest;

import java.time.Duration;

/**
 * How much reading one manifest may cost: time, and steps of work (YAML events pulled from the parser, keys merged,
 * values built). A Pod manifest takes milliseconds and a few thousand steps; the other limits (size, nesting,
 * aliases, values) bound what is foreseen. This bounds the rest, a parser that loops or a document pathological in
 * a way nobody thought of, so that one file fails with a clear error instead of stopping the reading of the others.
 *
 * @param time  from the start of the parse; checked at every step
 * @param steps the most steps one file may take; deterministic, where time depends on the machine's load
 */
public record ParseBudget(Duration time, long steps) {
    /**
     * 5 s and 20 million steps. The largest file the other limits let through (10 MiB, a million values) needs about
     * 11 million steps; a 2 MiB manifest parses in about a second on a busy machine.
     */
    public static final ParseBudget DEFAULT = new ParseBudget(Duration.ofSeconds(5), 20_000_000);

    public ParseBudget {
        if (time.isNegative() || time.isZero() || steps <= 0) {
            throw new IllegalArgumentException("a parse budget is positive: " + time + ", " + steps);
        }
    }

    /** {@code 5s and 20000000 steps}, for messages. */
    @Override
    public String toString() {
        return Durations.show(time) + " and " + steps + " steps";
    }
}
