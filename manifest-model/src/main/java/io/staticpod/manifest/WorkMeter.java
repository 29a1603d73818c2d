package io.staticpod.manifest;

import org.snakeyaml.engine.v2.exceptions.Mark;

import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Counts the work of reading one manifest against its {@link ParseBudget}, and ends the read when the budget is spent
 * or the reading thread is interrupted (a caller that stopped waiting for it). Called at every event pulled from the
 * parser, every merge of a mapping and every value built, so that no loop of the YAML library or of ours can run
 * unchecked for long. Not thread-safe: one meter per read, on the reading thread.
 */
final class WorkMeter {
    /** The budget is spent: reading stops, the file is invalid. No stack trace: it is an outcome, not a bug. */
    static final class Exhausted extends RuntimeException {
        final int line;

        Exhausted(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    private final ParseBudget budget;
    private final LongSupplier nanoTime;
    private final long start;
    private long steps;
    private Optional<Mark> where = Optional.empty();

    WorkMeter(ParseBudget budget, LongSupplier nanoTime) {
        this.budget = budget;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    /** {@code n} steps of work at {@code at} (where the reader is in the file, for the message). */
    void step(long n, Optional<Mark> at) {
        if (at.isPresent()) {
            where = at;
        }
        steps += n;
        if (steps > budget.steps()) {
            throw exhausted("more than " + budget.steps() + " steps of work");
        }
        if (nanoTime.getAsLong() - start > budget.time().toNanos()) {
            throw exhausted("more than " + Durations.show(budget.time()));
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new Exhausted(line(), "reading was stopped before it finished (the agent stopped waiting for it)");
        }
    }

    long steps() {
        return steps;
    }

    private Exhausted exhausted(String what) {
        return new Exhausted(line(), "reading took " + what + " (the budget for one manifest is " + budget
                + "; a Pod manifest takes milliseconds): the file is too large or too intricate, make it smaller");
    }

    /** The line the reader was on at its last step, or 0. */
    int line() {
        return where.map(m -> m.getLine() + 1).orElse(0);
    }
}
