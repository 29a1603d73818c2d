package io.staticpod.manifest.fuzz;

import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The fuzzer can fail: each way a reader can go wrong is caught, and its inputs hold what hung the old reader. */
class ManifestFuzzerTest {
    static final ManifestMutator MUTATOR = new ManifestMutator(List.of("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              labels:
                app: web
            spec:
              containers:
              - name: app
                image: busybox:1.36
            """));

    @TempDir
    Path failures;

    private static ParseResult invalid(Path file, String message) {
        return new ParseResult.Invalid(file, List.of(new ManifestProblem(file, 1, "", message)), List.of());
    }

    @Test
    void aReaderThatHangsIsAFailureAndEndsTheRun() {
        CountDownLatch never = new CountDownLatch(1);
        ManifestFuzzer fuzzer = new ManifestFuzzer((file, content) -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return invalid(file, "late");
        }, Duration.ofMillis(100), failures);

        ManifestFuzzer.Run run = fuzzer.run(MUTATOR, 0, 10);

        assertThat(run.files()).isEqualTo(1);
        assertThat(run.failures()).singleElement().satisfies(f -> {
            assertThat(f.problem()).startsWith("no verdict within 0s: the read hangs");
            assertThat(f.saved()).exists().hasParent(failures);
        });
    }

    @Test
    void aReaderThatThrowsOrShowsAStackTraceOrASecretIsAFailure() {
        assertThat(new ManifestFuzzer((file, content) -> {
            throw new IllegalStateException("boom");
        }, Duration.ofSeconds(30), failures).run(MUTATOR, 0, 3).failures()).hasSize(3)
                .allSatisfy(f -> assertThat(f.problem()).startsWith("the reader threw java.lang.IllegalStateException"));

        assertThat(new ManifestFuzzer((file, content) -> invalid(file, "could not read (java.lang.NullPointerException"
                + " at io.staticpod.X.y(X.java:1))"), Duration.ofSeconds(30), failures).run(MUTATOR, 0, 1).failures())
                .singleElement().satisfies(f -> assertThat(f.problem()).contains("stack trace"));

        assertThat(new ManifestFuzzer((file, content) -> invalid(file, "bad value hunter2-SECRET-xyz"),
                Duration.ofSeconds(30), failures).run(MUTATOR, 0, 1).failures())
                .singleElement().satisfies(f -> assertThat(f.problem()).contains("secret-looking value"));

        assertThat(new ManifestFuzzer((file, content) -> invalid(file, "x".repeat(601)), Duration.ofSeconds(30),
                failures).run(MUTATOR, 0, 1).failures()).singleElement()
                .satisfies(f -> assertThat(f.problem()).contains("601 characters long"));
    }

    @Test
    void theInputsHoldSelfMergesThatSendTheUnguardedComposerIntoItsEndlessLoop() {
        // snakeyaml-engine's composer as the reader used it before issue 15, with only a counter of merges added:
        // past 100,000 merges for a file of a few hundred bytes, it is the endless MergeUtils.flatten loop
        assertThat(LongStream.range(0, 300).mapToObj(MUTATOR::make)
                .filter(i -> i.kinds().contains(ManifestMutator.Kind.SELF_MERGE))
                .anyMatch(ManifestFuzzerTest::loopsTheUnguardedComposer)).isTrue();
    }

    @Test
    void theAgentsReaderGivesEveryOneOfThemAVerdict() {
        ManifestReader reader = new ManifestReader("node-1");
        ManifestFuzzer.Run run = new ManifestFuzzer(reader::parse, Duration.ofSeconds(30), failures)
                .run(MUTATOR, 0, 100);

        assertThat(run.failures()).isEmpty();
        assertThat(run.kinds()).containsKey(ManifestMutator.Kind.SELF_MERGE);
    }

    private static boolean loopsTheUnguardedComposer(ManifestMutator.Input input) {
        String text = input.text();
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).build(); // as the old reader
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))) {
            private long merges;

            @Override
            protected MappingNode asMappingNode(Node node) {
                if (++merges > 100_000) {
                    throw new IllegalStateException("endless merge");
                }
                return super.asMappingNode(node);
            }
        };
        try {
            while (composer.hasNext()) {
                composer.next();
            }
            return false;
        } catch (IllegalStateException e) {
            return "endless merge".equals(e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            return false; // a YAML error, or the recursion of a plain cycle: not this loop
        }
    }
}
