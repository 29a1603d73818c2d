package io.staticpod.runtime.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A scripted {@link CommandRunner}: each call must match the next expected argv exactly, and replays the output
 * given for it (usually real output saved from Docker 20.10 under {@code src/test/resources/docker}). Anything
 * unexpected fails the test with both argvs. Thread-safe.
 */
public final class FakeCommandRunner implements CommandRunner {

    private final Deque<Expectation> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();

    /**
     * Stands in an expected argv for the path of a temporary env file: any existing file matches, and its lines are
     * recorded in {@link Call#envFileLines()} (it is deleted once the command returns).
     */
    public static final String ENV_FILE = "<env-file>";

    /**
     * A call that was made, with the timeout it was given, the environment added for it, and the lines of the file
     * that matched {@link #ENV_FILE} (empty when none did).
     */
    public record Call(List<String> argv, Duration timeout, Map<String, String> env, List<String> envFileLines) {
        public Call(List<String> argv, Duration timeout) {
            this(argv, timeout, Map.of(), List.of());
        }
    }

    private record Expectation(List<String> argv, CommandResult result, RuntimeException failure) {
    }

    /** Starts scripting one expected call: {@code expect("docker", "stop", ...).returns(0, "", "")}. */
    public Step expect(String... argv) {
        return new Step(List.of(argv));
    }

    /** The second half of {@link #expect}. */
    public final class Step {
        private final List<String> argv;

        private Step(List<String> argv) {
            this.argv = argv;
        }

        public FakeCommandRunner returns(int exitCode, String stdout, String stderr) {
            synchronized (FakeCommandRunner.this) {
                script.add(new Expectation(argv, new CommandResult(argv, exitCode, stdout, stderr), null));
            }
            return FakeCommandRunner.this;
        }

        public FakeCommandRunner succeeds(String stdout) {
            return returns(0, stdout, "");
        }

        public FakeCommandRunner fails(int exitCode, String stderr) {
            return returns(exitCode, "", stderr);
        }

        public FakeCommandRunner throwsException(RuntimeException failure) {
            synchronized (FakeCommandRunner.this) {
                script.add(new Expectation(argv, null, failure));
            }
            return FakeCommandRunner.this;
        }
    }

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, Map.of(), timeout);
    }

    @Override
    public synchronized CommandResult run(List<String> argv, Map<String, String> env, Duration timeout) {
        CommandRunner.checkEnvironment(env);
        Expectation next = script.poll();
        List<String> envFileLines = List.of();
        if (next != null && next.argv().size() == argv.size()) {
            for (int i = 0; i < argv.size(); i++) {
                if (next.argv().get(i).equals(ENV_FILE) && Files.isRegularFile(Path.of(argv.get(i)))) {
                    envFileLines = readLines(Path.of(argv.get(i)));
                }
            }
        }
        calls.add(new Call(List.copyOf(argv), timeout, Map.copyOf(env), envFileLines));
        if (next == null) {
            throw new AssertionError("unexpected command: " + argv);
        }
        if (!matches(next.argv(), argv)) {
            throw new AssertionError("expected command\n  " + next.argv() + "\nbut got\n  " + argv);
        }
        if (next.failure() != null) {
            throw next.failure();
        }
        return next.result();
    }

    private static boolean matches(List<String> expected, List<String> argv) {
        if (expected.size() != argv.size()) {
            return false;
        }
        for (int i = 0; i < argv.size(); i++) {
            boolean envFile = expected.get(i).equals(ENV_FILE) && Files.isRegularFile(Path.of(argv.get(i)));
            if (!envFile && !expected.get(i).equals(argv.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every call made so far, in order. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Fails when some scripted call was not made. */
    public synchronized void assertAllCalled() {
        if (!script.isEmpty()) {
            throw new AssertionError("expected commands not run: " + script.stream().map(Expectation::argv).toList());
        }
    }

    /** A test resource as a string, e.g. {@code resource("docker/inspect-running.json")}. */
    public static String resource(String path) {
        try (InputStream in = FakeCommandRunner.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
