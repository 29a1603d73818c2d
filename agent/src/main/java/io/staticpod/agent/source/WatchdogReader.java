package io.staticpod.agent.source;

import io.staticpod.config.GoDuration;
import io.staticpod.manifest.ParseBudget;
import io.staticpod.manifest.ParseResult;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * Reads and parses one manifest file at a time on a helper thread, and stops waiting for it once it overruns its
 * {@link Budget}: no file can stop a scan, whatever the cause (a FIFO swapped in after the check, a hung file
 * system, a parser that does not stop). The parse has a budget of its own ({@link ParseBudget}), which ends it
 * cleanly in nearly every case; the watchdog is there for what that cannot see.
 *
 * <p>A file given up is invalid, with an error naming the budget, and is not read again until it changes (its size,
 * modification or change time, or inode; a new read whose bytes are those given up on reuses that verdict). Its
 * thread is interrupted and left behind: a parse stops at its next step, a thread blocked in the kernel stays until
 * the call returns. Such stuck threads are counted, and at {@link Budget#maxStuck()} no new read is started: files
 * that did not change keep their last outcome, new and changed ones are invalid until the agent is restarted.
 *
 * <p>Thread-safe; each {@link #read} blocks its caller for at most {@link Budget#perFile()}.
 */
public final class WatchdogReader {
    /** Threads of all watchdog readers; daemons, so that one stuck in the kernel never keeps the JVM alive. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "manifest-read");
        t.setDaemon(true);
        return t;
    });

    /**
     * How long one file may take.
     *
     * @param read     the open and read of its bytes
     * @param parse    then their parse: the parse budget's own time and a slack, so that it normally ends itself
     * @param maxStuck how many given-up reads may still hold a thread before no new read is started
     */
    public record Budget(Duration read, Duration parse, int maxStuck) {
        /** 5 s to read, 7 s to parse (the parse budget's 5 s and 2 s), at most 4 stuck threads. */
        public static final Budget DEFAULT = new Budget(Duration.ofSeconds(5),
                ParseBudget.DEFAULT.time().plusSeconds(2), 4);

        /** The longest one file can hold a scan: 12 s by default. */
        public Duration perFile() {
            return read.plus(parse);
        }
    }

    /**
     * What reading one file gave.
     *
     * @param stamp   the file's identity when it was read
     * @param content its bytes, or null when they could not be read
     * @param result  the verdict
     * @param givenUp the read overran its budget: the same verdict holds until the stamp changes
     */
    public record Outcome(FileStamp stamp, byte[] content, ParseResult result, boolean givenUp) {
    }

    /** The state of one read, for the count of stuck threads. */
    private enum State { QUEUED, RUNNING, DONE, ABANDONED }

    private final BiFunction<Path, byte[], ParseResult> parser;
    private final Budget budget;
    private final AtomicInteger stuck = new AtomicInteger();

    /** With the {@link Budget#DEFAULT} budget. */
    public WatchdogReader(BiFunction<Path, byte[], ParseResult> parser) {
        this(parser, Budget.DEFAULT);
    }

    /** @param parser a {@code ManifestReader::parse}; runs on the helper thread */
    public WatchdogReader(BiFunction<Path, byte[], ParseResult> parser, Budget budget) {
        this.parser = parser;
        this.budget = budget;
    }

    public Budget budget() {
        return budget;
    }

    /** Reads given up whose thread has not returned yet. */
    public int stuck() {
        return stuck.get();
    }

    /**
     * Reads and parses {@code file}, never throwing and never blocking longer than {@link Budget#perFile()}.
     *
     * @param previous the last outcome for this file, or null: its verdict is reused when the bytes are the same
     *                 (nothing is parsed then), or without reading when it was given up and the file did not change
     */
    public Outcome read(Path file, Outcome previous) {
        FileStamp stamp;
        try {
            stamp = FileStamp.of(file);
        } catch (IOException e) {
            return unread(file, "cannot read the file: " + ManifestFiles.describe(e, file));
        }
        if (previous != null && previous.givenUp() && stamp.equals(previous.stamp())) {
            return previous;
        }
        if (!stamp.regular()) {
            return unread(file, "cannot read the file: not a regular file (a directory, FIFO, device or socket):"
                    + " it is never opened");
        }
        if (stamp.size() > ManifestFiles.MAX_SIZE) {
            return unread(file, "file is " + stamp.size() + " bytes, larger than the limit of "
                    + ManifestFiles.MAX_SIZE + " bytes (10 MiB); it was not read");
        }
        if (stuck.get() >= budget.maxStuck()) {
            if (previous != null && stamp.equals(previous.stamp())) {
                return previous;
            }
            return unread(file, "not read: " + stuck.get() + " earlier reads of manifest files are stuck (a hung file"
                    + " system?) and no more are started; restart the agent to read new and changed files");
        }
        return watch(file, stamp, previous);
    }

    /** Reads {@code file}, whose stamp is {@code stamp}, on a helper thread, waiting for it within the budget. */
    Outcome watch(Path file, FileStamp stamp, Outcome previous) {
        AtomicInteger state = new AtomicInteger(State.QUEUED.ordinal());
        CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Future<Outcome> work = THREADS.submit(() -> {
            if (!state.compareAndSet(State.QUEUED.ordinal(), State.RUNNING.ordinal())) {
                return null;
            }
            try {
                byte[] content = readBounded(file);
                bytes.complete(content);
                if (previous != null && previous.content() != null && Arrays.equals(previous.content(), content)) {
                    return new Outcome(stamp, content, previous.result(), previous.givenUp());
                }
                return new Outcome(stamp, content, parser.apply(file, content), false);
            } catch (IOException | RuntimeException e) {
                bytes.completeExceptionally(e);
                throw e;
            } finally {
                if (!state.compareAndSet(State.RUNNING.ordinal(), State.DONE.ordinal())) {
                    stuck.decrementAndGet(); // abandoned, and returned at last
                }
            }
        });
        try {
            byte[] content;
            try {
                content = bytes.get(budget.read().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                abandon(work, state);
                return new Outcome(stamp, null, ManifestFiles.invalid(file, "not read within "
                        + GoDuration.format(budget.read()) + " (a FIFO now, or a hung file system?): given up, and not"
                        + " read again until the file changes"), true);
            } catch (ExecutionException e) {
                return failed(file, e.getCause());
            }
            try {
                return work.get(budget.parse().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                abandon(work, state);
                return new Outcome(stamp, content, ManifestFiles.invalid(file, "not parsed within "
                        + GoDuration.format(budget.parse()) + ", the budget of one manifest: given up, and not read"
                        + " again until the file changes; please report this as a bug of static-pod-agent, with the"
                        + " file"), true);
            } catch (ExecutionException e) {
                return failed(file, e.getCause());
            }
        } catch (InterruptedException e) {
            abandon(work, state);
            Thread.currentThread().interrupt();
            return unread(file, "not read: the agent is stopping");
        }
    }

    /** Stops waiting: the thread is interrupted, and counted as stuck until it returns. */
    private void abandon(Future<Outcome> work, AtomicInteger state) {
        stuck.incrementAndGet();
        if (!state.compareAndSet(State.RUNNING.ordinal(), State.ABANDONED.ordinal())) {
            stuck.decrementAndGet(); // it never started (it never will), or it has just finished
        }
        state.compareAndSet(State.QUEUED.ordinal(), State.DONE.ordinal());
        work.cancel(true);
    }

    private static Outcome failed(Path file, Throwable cause) {
        if (cause instanceof ManifestFiles.TooLarge tooLarge) {
            return unread(file, tooLarge.getMessage());
        }
        if (cause instanceof IOException io) {
            return unread(file, "cannot read the file: " + ManifestFiles.describe(io, file));
        }
        // the parser never throws for bad content: this is a bug, said without the file's text
        return unread(file, "could not read the manifest (" + cause.getClass().getName() + "); please report this as"
                + " a bug of static-pod-agent");
    }

    private static Outcome unread(Path file, String message) {
        return new Outcome(null, null, ManifestFiles.invalid(file, message), false);
    }

    private static byte[] readBounded(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) ManifestFiles.MAX_SIZE + 1);
            if (bytes.length > ManifestFiles.MAX_SIZE) {
                throw new ManifestFiles.TooLarge("file grew beyond the limit of " + ManifestFiles.MAX_SIZE
                        + " bytes while read");
            }
            return bytes;
        }
    }

    /**
     * What tells a file changed without reading it: size, modification and change times, device and inode of what
     * the path leads to now (links followed). The change time cannot be set back by a user, so {@code touch -d} or
     * {@code cp -p} cannot hide a change.
     */
    public record FileStamp(boolean regular, long size, Object modified, Object changed, Object key) {
        static FileStamp of(Path file) throws IOException {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            Object changed;
            try {
                changed = Files.getAttribute(file, "unix:ctime");
            } catch (UnsupportedOperationException | IllegalArgumentException e) {
                changed = null;
            }
            return new FileStamp(attrs.isRegularFile(), attrs.size(), attrs.lastModifiedTime(), changed,
                    attrs.fileKey());
        }
    }
}
