package io.staticpod.manifest.fuzz;

import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ParseResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;

/**
 * Runs fuzzed files through a reader and checks what the agent needs of every verdict: there is one (Parsed or
 * Invalid) and it comes (a read that does not end within {@link #hangAfter} is a failure: on the reader of before
 * issue 15, the self-merge hung here), nothing escapes the reader, and no message is more than one line, shows a stack
 * trace or a "report this as a bug" error, or shows a secret-looking value of the file.
 *
 * <p>The first hang ends the run (its thread cannot be taken back); other failures are collected, each with the input
 * written to {@code failures} so that it can join the bad-input corpus.
 */
public final class ManifestFuzzer {
    /** A message longer than this is a bug (the corpus test's limit too). */
    static final int MESSAGE_MAX = 600;
    /** A file this small never needs the parse budget's steps: a few per byte at most. */
    static final int SMALL = 256 * 1024;
    /** Signs that a message carries an exception or a stack frame rather than words for a person. */
    private static final List<String> STACK_TRACE = List.of("\tat ", "Exception", ".java:", "please report this as a bug");

    /** One failure: the input's seed, what went wrong, and where its bytes were written. */
    public record Failure(long seed, String problem, Path saved) {
        @Override
        public String toString() {
            return "input " + seed + " (" + saved + "): " + problem;
        }
    }

    /** What a run did: how many inputs, of which kinds, which verdicts, and what failed. */
    public record Run(int files, int parsed, int invalid, Map<ManifestMutator.Kind, Integer> kinds,
                      List<Failure> failures) {
    }

    private final BiFunction<Path, byte[], ParseResult> reader;
    private final Duration hangAfter;
    private final Path failures;

    /**
     * @param reader    the reader under test ({@code ManifestReader::parse})
     * @param hangAfter how long one read may take before it is a hang: far beyond the reader's own budget
     * @param failures  the directory failing inputs are written to
     */
    public ManifestFuzzer(BiFunction<Path, byte[], ParseResult> reader, Duration hangAfter, Path failures) {
        this.reader = reader;
        this.hangAfter = hangAfter;
        this.failures = failures;
    }

    /** Reads inputs {@code first} to {@code first + count - 1} of {@code mutator}. */
    public Run run(ManifestMutator mutator, long first, int count) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-read");
            t.setDaemon(true);
            return t;
        });
        Map<ManifestMutator.Kind, Integer> kinds = new EnumMap<>(ManifestMutator.Kind.class);
        List<Failure> found = new ArrayList<>();
        int parsed = 0;
        int invalid = 0;
        int files = 0;
        try {
            for (long seed = first; seed < first + count; seed++) {
                ManifestMutator.Input input = mutator.make(seed);
                input.kinds().forEach(k -> kinds.merge(k, 1, Integer::sum));
                files++;
                Path file = Path.of("/etc/kubernetes/manifests/fuzz-" + seed + ".yaml");
                Future<ParseResult> read = thread.submit(() -> reader.apply(file, input.content()));
                ParseResult result;
                try {
                    result = read.get(hangAfter.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    read.cancel(true);
                    found.add(fail(input, "no verdict within " + hangAfter.toSeconds() + "s: the read hangs"));
                    break;
                } catch (ExecutionException e) {
                    found.add(fail(input, "the reader threw " + e.getCause()));
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                String problem = check(file, input, result);
                if (problem != null) {
                    found.add(fail(input, problem));
                } else if (result instanceof ParseResult.Parsed) {
                    parsed++;
                } else {
                    invalid++;
                }
            }
        } finally {
            thread.shutdownNow();
        }
        return new Run(files, parsed, invalid, kinds, found);
    }

    /** What is wrong with {@code result} for {@code input}, or null. */
    public static String check(Path file, ManifestMutator.Input input, ParseResult result) {
        if (!(result instanceof ParseResult.Parsed) && !(result instanceof ParseResult.Invalid)) {
            return "no verdict: " + result;
        }
        if (!file.equals(result.file())) {
            return "the verdict names another file: " + result.file();
        }
        List<ManifestProblem> problems = new ArrayList<>(result.warnings());
        if (result instanceof ParseResult.Invalid bad) {
            problems.addAll(bad.errors());
            // work is counted, not timed: a small file that runs out of steps has a loop or a super-linear cost
            if (input.content().length < SMALL && bad.errors().stream().anyMatch(p -> p.message().contains("steps of"
                    + " work (the budget"))) {
                return "a file of " + input.content().length + " bytes ran out of steps: " + bad.errors();
            }
        }
        for (ManifestProblem p : problems) {
            String text = p.toString();
            if (!p.file().equals(file)) {
                return "a problem names another file: " + text;
            }
            if (p.message() == null || p.message().isBlank() || text.contains("\n") || text.contains("\r")) {
                return "a message is empty or spans lines: " + text;
            }
            if (p.message().length() > MESSAGE_MAX) {
                return "a message is " + p.message().length() + " characters long: " + text.substring(0, 200);
            }
            for (String sign : STACK_TRACE) {
                if (text.contains(sign)) {
                    return "a message shows a stack trace or a bug (" + sign.strip() + "): " + text;
                }
            }
            for (String secret : input.secrets()) {
                if (text.contains(secret)) {
                    return "a message shows a secret-looking value: " + text;
                }
            }
        }
        return null;
    }

    private Failure fail(ManifestMutator.Input input, String problem) {
        try {
            Files.createDirectories(failures);
            Path saved = Files.write(failures.resolve("fuzz-" + input.seed() + ".yaml"), input.content());
            return new Failure(input.seed(), problem + " [mutations " + input.kinds() + "]", saved);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
