package io.staticpod.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command run to completion with its output (stdout and stderr together) kept. */
public record Cmd(List<String> command, int exit, String output) {

    public static Cmd run(Duration timeout, List<String> command) {
        return run(timeout, command, null);
    }

    /** As {@link #run(Duration, List)}, with {@code stdin} (null: nothing) as the command's input. */
    public static Cmd run(Duration timeout, List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Cmd(command, -1, "timed out after " + timeout + "\n" + out.getNow(""));
            }
            return new Cmd(command, p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            return new Cmd(command, -1, "cannot run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cmd(command, -1, "interrupted");
        } catch (Exception e) {
            return new Cmd(command, -1, "failed: " + e);
        }
    }

    public static Cmd run(String... command) {
        return run(Duration.ofMinutes(2), List.of(command));
    }

    public static Cmd run(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return run(Duration.ofMinutes(2), all);
    }

    public boolean ok() {
        return exit == 0;
    }

    /** The output, or an AssertionError naming the command, its exit code and output. */
    public String orFail() {
        if (exit != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + exit + ":\n" + output);
        }
        return output;
    }
}
