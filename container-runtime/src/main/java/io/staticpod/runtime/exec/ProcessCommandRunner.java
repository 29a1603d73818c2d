package io.staticpod.runtime.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real {@link CommandRunner}: a {@link ProcessBuilder} per call. Stdin is closed at once (the child never sees
 * the agent's stdin), stdout and stderr are drained by two threads at the same time (so a child that fills one
 * pipe while we read the other cannot deadlock), and on timeout the child and all its descendants are killed.
 */
public final class ProcessCommandRunner implements CommandRunner {

    /** Upper bound on the wait for the drain threads once the process is gone (grandchildren may hold the pipes). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);
    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Executor DRAINERS = task -> {
        Thread thread = new Thread(task, "command-output-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    };

    @Override
    public CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, Map.of(), timeout);
    }

    /** As {@link #run(List, Duration)}; the child inherits the agent's environment plus {@code env}. */
    @Override
    public CommandResult run(List<String> argv, Map<String, String> env, Duration timeout) {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty argv");
        }
        // checked first: ProcessBuilder's own check would quote the value in its message
        CommandRunner.checkEnvironment(env);
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(argv);
            builder.environment().putAll(env);
            process = builder.start();
        } catch (IOException e) {
            throw new CommandException("cannot run `" + CommandException.quote(argv) + "`: " + e.getMessage(),
                    argv, -1, "", e);
        }
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the child may already be gone; it has no stdin either way
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), DRAINERS);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), DRAINERS);
        boolean ended;
        try {
            ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new CommandException("interrupted while running `" + CommandException.quote(argv) + "`",
                    argv, -1, "", e);
        }
        if (!ended) {
            killTree(process);
            String err = await(stderr);
            throw new CommandException("`" + CommandException.quote(argv) + "` did not finish within " + timeout
                    + " and was killed" + (err.isBlank() ? "" : "; stderr so far: " + err.strip()),
                    argv, -1, err, null);
        }
        return new CommandResult(argv, process.exitValue(), await(stdout), await(stderr));
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String await(CompletableFuture<String> output) {
        try {
            return output.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (ExecutionException | TimeoutException e) {
            // a grandchild still holds the pipe, or it broke when the process was killed: the output is lost
            return "";
        }
    }
}
