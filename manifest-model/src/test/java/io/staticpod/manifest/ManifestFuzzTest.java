package io.staticpod.manifest;

import io.staticpod.manifest.fuzz.ManifestFuzzer;
import io.staticpod.manifest.fuzz.ManifestMutator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A seeded fuzzer over the manifest reader: mutations of {@code examples/manifests/}, the test manifests and the
 * bad-input corpus, and files that are no manifest and hold secrets, each read as the agent reads a file. A few
 * thousand files by default, each run from a new seed; more, or one seed again, with
 * {@code -Dspa.fuzz.files=50000 -Dspa.fuzz.seed=N}. The seed is printed first: a failure names its input, which is
 * written under {@code target/fuzz-failures/} to be added to the bad-input corpus.
 */
class ManifestFuzzTest {
    static final int FILES = Integer.getInteger("spa.fuzz.files", 3000);
    static final long SEED = Long.getLong("spa.fuzz.seed", System.nanoTime() & 0xffff_ffffL);
    /** A read that does not end in this long hangs: six times the parse budget's time. */
    static final Duration HANG = ParseBudget.DEFAULT.time().multipliedBy(6);

    /** The seed texts: the minimal test manifest, every example, and every input of the bad-input corpus. */
    static List<String> seeds() throws IOException {
        return ManifestMutator.seeds(List.of(Path.of("..", "examples", "manifests"),
                Path.of("src", "test", "resources", "bad-input")), TestManifests.MINIMAL);
    }

    @Test
    void everyFuzzedFileGetsAVerdictWithinTheBudgetAndNoMessageShowsASecretOrAStackTrace() throws Exception {
        System.out.printf("ManifestFuzzTest seed=%d files=%d (replay: -Dspa.fuzz.seed=%d -Dspa.fuzz.files=%d)%n",
                SEED, FILES, SEED, FILES);
        ManifestReader reader = new ManifestReader("node-1");
        ManifestFuzzer fuzzer = new ManifestFuzzer(reader::parse, HANG, Path.of("target", "fuzz-failures"));
        long start = System.nanoTime();

        ManifestFuzzer.Run run = fuzzer.run(new ManifestMutator(seeds()), SEED * 1_000_000L, FILES);

        System.out.printf("ManifestFuzzTest seed=%d: %d files (%d parsed, %d invalid) in %d ms; mutations %s%n",
                SEED, run.files(), run.parsed(), run.invalid(), (System.nanoTime() - start) / 1_000_000, run.kinds());
        assertThat(run.failures()).as("fuzz failures of seed %d (replay: -Dspa.fuzz.seed=%d -Dspa.fuzz.files=%d)",
                SEED, SEED, FILES).isEmpty();
        assertThat(run.files()).isEqualTo(FILES);
        if (FILES >= 1000) {
            assertThat(run.kinds().keySet()).as("every mutation was tried").containsAll(List.of(
                    ManifestMutator.Kind.values()));
        }
    }
}
