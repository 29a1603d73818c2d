package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A container's plain log file read line by line: what the shim's logger appended, stdout and stderr interleaved,
 * without times. So every line is reported as {@link LogLine.Stream#STDOUT}; a line already in the file when it was
 * opened carries the file's modification time then (every such line was written at or before it), a line read later
 * while following the time it was read. {@link LogOptions#since()} keeps the whole file when it was modified at or
 * after that time, and nothing of it otherwise; {@link LogOptions#tailLines()} counts from the end. A line longer
 * than {@value #MAX_LINE} bytes comes in parts ({@code partial}), as does the last line when the container wrote no
 * line end before it ended.
 *
 * <p>While following, the file is read again every {@link #POLL}, and {@code ended} (which asks containerd) at most
 * once per {@link #ENDED_CHECK}; once it is true the rest of the file is read and the log ends.
 */
final class FileLogReader implements LogReader {

    static final int MAX_LINE = 16 * 1024;
    static final Duration POLL = Duration.ofMillis(250);
    static final Duration ENDED_CHECK = Duration.ofSeconds(1);

    /** Waits up to a duration, returning early when the reader is closed; a seam for tests. */
    @FunctionalInterface
    interface Waiter {
        void await(Duration duration, FileLogReader reader) throws InterruptedException;
    }

    /** The real waiter: a timed wait that {@link #close()} cuts short. */
    static final Waiter MONITOR = (duration, reader) -> {
        synchronized (reader) {
            if (!reader.closed) {
                reader.wait(Math.max(1, duration.toMillis()));
            }
        }
    };

    private final Path file;
    private final boolean follow;
    private final BooleanSupplier ended;
    private final InstantSource clock;
    private final Waiter waiter;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    /** Guarded by this; read without it only as a hint. */
    private volatile boolean closed;
    /** Opened once the file exists; closed by {@link #close()}, from any thread. */
    private volatile FileChannel channel;
    private long position;
    private final long sizeAtOpen;
    private final Instant modifiedAtOpen;
    private Instant lastEndedCheck;
    private boolean draining;

    FileLogReader(Path file, LogOptions options, BooleanSupplier ended, InstantSource clock, Waiter waiter)
            throws IOException {
        this.file = file;
        this.follow = options.follow();
        this.ended = ended;
        this.clock = clock;
        this.waiter = waiter;
        boolean exists = Files.isRegularFile(file);
        this.sizeAtOpen = exists ? Files.size(file) : 0;
        this.modifiedAtOpen = exists ? Files.getLastModifiedTime(file).toInstant() : clock.instant();
        buffer.flip();
        if (options.since() != null && modifiedAtOpen.isBefore(options.since())) {
            position = sizeAtOpen;
        } else if (options.tailLines() >= 0) {
            position = startOfLast(options.tailLines());
        }
        lastEndedCheck = clock.instant();
    }

    @Override
    public LogLine next() throws IOException {
        while (!closed) {
            long lineStart = position - buffer.remaining() - line.size();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    return emit(lineStart, false);
                }
                line.write(b);
                if (line.size() >= MAX_LINE) {
                    return emit(lineStart, true);
                }
            }
            if (fill()) {
                continue;
            }
            // at the end of what was written so far
            if (!follow || draining) {
                return line.size() > 0 ? emit(lineStart, true) : null;
            }
            Instant now = clock.instant();
            if (!now.isBefore(lastEndedCheck.plus(ENDED_CHECK))) {
                lastEndedCheck = now;
                if (ended.getAsBoolean()) {
                    draining = true; // read what the logger wrote until the end, then stop
                    continue;
                }
            }
            try {
                waiter.await(POLL, this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                return null;
            }
        }
        close(); // also a channel this thread opened while another closed the reader
        return null;
    }

    private LogLine emit(long lineStart, boolean partial) {
        byte[] bytes = line.toByteArray();
        line.reset();
        Instant time = lineStart < sizeAtOpen ? modifiedAtOpen : clock.instant();
        return new LogLine(LogLine.Stream.STDOUT, time, bytes, partial);
    }

    /** Reads more of the file into the buffer; false at its end (or while it does not exist yet). */
    private boolean fill() throws IOException {
        buffer.clear().flip();
        if (channel == null) {
            try {
                channel = FileChannel.open(file, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                return false;
            }
        }
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer, position);
        } catch (ClosedChannelException e) {
            n = -1; // closed by close(): next() sees closed and ends
        }
        buffer.flip();
        if (n <= 0) {
            return false;
        }
        position += n;
        return true;
    }

    /** Where the last {@code lines} lines begin (a line end at the very end of the file does not start a line). */
    private long startOfLast(long lines) throws IOException {
        if (sizeAtOpen == 0 || lines == 0) {
            return sizeAtOpen;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = sizeAtOpen;
            long seen = 0;
            ByteBuffer block = ByteBuffer.allocate(8192);
            while (end > 0) {
                long start = Math.max(0, end - block.capacity());
                block.clear().limit((int) (end - start));
                channel.read(block, start);
                byte[] bytes = Arrays.copyOf(block.array(), block.limit());
                for (int i = bytes.length - 1; i >= 0; i--) {
                    long at = start + i;
                    if (bytes[i] == '\n' && at != sizeAtOpen - 1 && ++seen == lines) {
                        return at + 1;
                    }
                }
                end = start;
            }
            return 0;
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            FileChannel open = channel;
            if (open != null) {
                open.close();
            }
        } catch (IOException ignored) {
            // a read-only file: nothing was lost
        }
    }
}
