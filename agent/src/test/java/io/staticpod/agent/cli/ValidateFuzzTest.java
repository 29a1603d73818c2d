package io.staticpod.agent.cli;

import io.staticpod.manifest.fuzz.ManifestMutator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The manifest fuzzer through {@code validate}, which reads as the agent's source reads (one file at a time, under
 * the watchdog): a directory of fuzzed files gets one verdict per file, the command returns with 0 or 1, and no line
 * of its output shows a secret-looking value or a stack trace. A tenth of {@code spa.fuzz.files} (300 files by
 * default), from {@code spa.fuzz.seed} (printed; a new one each run by default).
 */
class ValidateFuzzTest {
    static final int FILES = Integer.getInteger("spa.fuzz.files", 3000) / 10;
    static final long SEED = Long.getLong("spa.fuzz.seed", System.nanoTime() & 0xffff_ffffL);
    static final List<String> NEVER_SHOWN = List.of(ManifestMutator.SECRET, "\tat ", "Exception", ".java:");

    @TempDir
    Path dir;

    @Test
    void everyFuzzedFileGetsAVerdictAndValidateReturnsShowingNoSecretOrStackTrace() throws Exception {
        System.out.printf("ValidateFuzzTest seed=%d files=%d (replay: -Dspa.fuzz.seed=%d -Dspa.fuzz.files=%d)%n",
                SEED, FILES, SEED, FILES * 10);
        ManifestMutator mutator = new ManifestMutator(ManifestMutator.seeds(List.of(
                Path.of("..", "examples", "manifests"),
                Path.of("..", "manifest-model", "src", "test", "resources", "bad-input"))));
        List<Path> files = new ArrayList<>();
        for (long n = SEED * 1_000_000L; n < SEED * 1_000_000L + FILES; n++) {
            files.add(Files.write(dir.resolve("fuzz-" + n + ".yaml"), mutator.make(n).content()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        // a hang guard only: each file is bounded by the watchdog's 12 s, and all of them take seconds
        int code = assertTimeoutPreemptively(Duration.ofMinutes(10), () -> Commands.run(new String[]{"validate",
                "--hostname-override", "node-1", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));

        String output = out.toString(StandardCharsets.UTF_8);
        List<String> lines = output.lines().toList();
        assertThat(code).as("seed %d", SEED).isIn(0, 1);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        for (Path file : files) {
            assertThat(lines).as("a verdict for %s (seed %d)", file.getFileName(), SEED)
                    .anyMatch(l -> l.startsWith(file + ": ok: ") || l.startsWith(file + ":") && !l.contains("warning:"));
        }
        for (String line : lines) {
            for (String never : NEVER_SHOWN) {
                assertThat(line).as("seed %d", SEED).doesNotContain(never);
            }
        }
        assertThat(lines.get(lines.size() - 1)).startsWith(FILES + " files checked for node node-1: ");
    }
}
