package io.staticpod.manifest;

import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.staticpod.manifest.TestManifests.FILE;
import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budget of one read: steps of work counted, time read from an injected clock. */
class ParseBudgetTest {

    /** A clock that moves on by {@code step} every time it is read. */
    private static java.util.function.LongSupplier ticking(Duration step) {
        AtomicLong now = new AtomicLong();
        return () -> now.getAndAdd(step.toNanos());
    }

    private static ParseResult parse(String text, ParseBudget budget, java.util.function.LongSupplier clock) {
        return new ManifestReader(NODE, budget, clock).parse(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theDefaultIsFiveSecondsAndTwentyMillionSteps() {
        assertThat(ParseBudget.DEFAULT).hasToString("5s and 20000000 steps");
        assertThat(new ManifestReader(NODE).budget()).isEqualTo(ParseBudget.DEFAULT);
    }

    @Test
    void aManifestTakesAFewHundredStepsAndIsReadWithinASmallBudget() {
        assertThat(parse(MINIMAL, new ParseBudget(Duration.ofSeconds(5), 200), ticking(Duration.ZERO)))
                .isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void aReadThatRunsOutOfStepsIsInvalidWithAnErrorNamingTheBudgetAndWhereItStopped() {
        ParseResult result = parse(MINIMAL, new ParseBudget(Duration.ofSeconds(5), 10), ticking(Duration.ZERO));

        assertThat(((ParseResult.Invalid) result).errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isBetween(1, 8);
            assertThat(p.message()).isEqualTo("reading took more than 10 steps of work (the budget for one manifest"
                    + " is 5s and 10 steps; a Pod manifest takes milliseconds): the file is too large or too"
                    + " intricate, make it smaller");
        });
    }

    @Test
    void aReadThatRunsOutOfTimeIsInvalidWithAnErrorNamingTheBudget() {
        // every reading of the clock is one second later: the sixth step is past the five seconds
        ParseResult result = parse(MINIMAL, ParseBudget.DEFAULT, ticking(Duration.ofSeconds(1)));

        assertThat(((ParseResult.Invalid) result).errors()).singleElement().extracting(ManifestProblem::message)
                .asString().startsWith("reading took more than 5s (the budget for one manifest is 5s and 20000000"
                        + " steps; a Pod manifest takes milliseconds)");
    }

    @Test
    void keysCopiedByMergesAreCountedAsWork() {
        StringBuilder text = new StringBuilder(MINIMAL.replace("  name: web", "  name: web\n  labels: &base\n"));
        for (int i = 0; i < 40; i++) {
            text.insert(text.indexOf("spec:"), "    k" + i + ": v\n");
        }
        text.insert(text.indexOf("spec:"), "  annotations: {<<: [" + "*base, ".repeat(9) + "*base]}\n");

        WorkMeter counting = new WorkMeter(new ParseBudget(Duration.ofSeconds(5), Long.MAX_VALUE), () -> 0);
        YamlTreeReader.read(text.toString(), new SourceLines(), new Problems(FILE, new SourceLines()), counting);
        long withoutMerges = countSteps(MINIMAL);

        assertThat(counting.steps()).as("10 merges of 40 keys").isGreaterThan(withoutMerges + 400);
    }

    @Test
    void theComposersOwnMergeLoopIsMeteredEvenWhereThePrescanWouldNotStopIt() {
        // the prescan refuses this file; given to the composer directly, the endless flatten runs into the budget
        String text = "a: &a\n  <<: *a\n";
        WorkMeter meter = new WorkMeter(new ParseBudget(Duration.ofSeconds(5), 100_000), () -> 0);
        LoadSettings settings = YamlTreeReader.settingsFor(text);
        MeteredComposer composer = new MeteredComposer(settings,
                new MeteredParser(new ParserImpl(settings, new StreamReader(settings, text)), meter), meter);

        assertThatThrownBy(() -> {
            composer.hasNext();
            composer.next();
        }).isInstanceOf(WorkMeter.Exhausted.class).hasMessageContaining("more than 100000 steps");
    }

    @Test
    void aReadOnAnInterruptedThreadStopsAtItsNextStep() {
        Thread.currentThread().interrupt();
        try {
            ParseResult result = parse(MINIMAL, ParseBudget.DEFAULT, ticking(Duration.ZERO));
            assertThat(((ParseResult.Invalid) result).errors()).singleElement().extracting(ManifestProblem::message)
                    .asString().startsWith("reading was stopped before it finished");
        } finally {
            Thread.interrupted();
        }
    }

    private static long countSteps(String text) {
        WorkMeter meter = new WorkMeter(new ParseBudget(Duration.ofSeconds(5), Long.MAX_VALUE), () -> 0);
        YamlTreeReader.read(text, new SourceLines(), new Problems(FILE, new SourceLines()), meter);
        return meter.steps();
    }
}
