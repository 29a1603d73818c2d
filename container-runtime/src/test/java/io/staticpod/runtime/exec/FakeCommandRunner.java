package io.staticpod.runtime.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A scripted {@link CommandRunner}: each call must match the next expected argv exactly, and replays the output
 * given for it (usually real output saved from Docker 20.10 under {@code src/test/resources/docker}). Anything
 * unexpected fails the test with both argvs. Thread-safe.
 */
public final class FakeCommandRunner implements CommandRunner {

    private final Deque<Expectation> script = new ArrayDeque<>();
    private final List<Call> calls = new ArrayList<>();

    /** A call that was made, with the timeout it was given. */
    public record Call(List<String> argv, Duration timeout) {
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
    public synchronized CommandResult run(List<String> argv, Duration timeout) {
        calls.add(new Call(List.copyOf(argv), timeout));
        Expectation next = script.poll();
        if (next == null) {
            throw new AssertionError("unexpected command: " + argv);
        }
        if (!next.argv().equals(argv)) {
            throw new AssertionError("expected command\n  " + next.argv() + "\nbut got\n  " + argv);
        }
        if (next.failure() != null) {
            throw next.failure();
        }
        return next.result();
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
