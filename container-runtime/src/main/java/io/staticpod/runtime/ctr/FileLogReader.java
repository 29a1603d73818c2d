package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * A container's log file read line by line, in either format of {@link CtrLoggers}. In the CRI format each line of
 * the file is one {@link LogLine} with its own time, stream and partial flag; {@link LogOptions#tailLines()} counts
 * them from the end, then {@link LogOptions#since()} drops the earlier ones. In the plain format (no times, streams
 * mixed) every line is {@link LogLine.Stream#STDOUT}; one already in the file when it was opened carries the file's
 * modification time then (every such line was written at or before it), one read later while following the time it
 * was read; {@code since} keeps the whole file when it was modified at or after that time, nothing of it otherwise; a
 * line longer than {@value CtrLoggers#MAX_TEXT} bytes, or the last one without a line end, comes as partial lines.
 *
 * <p>While following, the file is read again every {@link #POLL}, and {@code ended} (which asks containerd) at most
 * once per {@link #ENDED_CHECK}; once it is true the rest of the file is read and the log ends.
 */
final class FileLogReader implements LogReader {

    static final Duration POLL = Duration.ofMillis(250);
    static final Duration ENDED_CHECK = Duration.ofSeconds(1);
    /** The longest line of the file read as one: a CRI line's text is at most 16 KiB, plus its prefix. */
    private static final int MAX_RECORD = CtrLoggers.MAX_TEXT + 256;

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
    private final boolean cri;
    private final boolean follow;
    private final Instant since;
    private final BooleanSupplier ended;
    private final InstantSource clock;
    private final Waiter waiter;
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private final ByteArrayOutputStream record = new ByteArrayOutputStream();
    /** Written under this object's monitor, read anywhere. */
    private volatile boolean closed;
    /** Opened once the file exists; closed by {@link #close()}, from any thread. */
    private volatile FileChannel channel;
    private long position;
    private final long sizeAtOpen;
    private final Instant modifiedAtOpen;
    private Instant lastEndedCheck;
    private boolean draining;

    /** @param format {@link CtrLoggers#CRI} or {@link CtrLoggers#PLAIN} */
    FileLogReader(Path file, String format, LogOptions options, BooleanSupplier ended, InstantSource clock,
                  Waiter waiter) throws IOException {
        this.file = file;
        this.cri = CtrLoggers.CRI.equals(format);
        this.follow = options.follow();
        this.since = options.since();
        this.ended = ended;
        this.clock = clock;
        this.waiter = waiter;
        boolean exists = Files.isRegularFile(file);
        this.sizeAtOpen = exists ? Files.size(file) : 0;
        this.modifiedAtOpen = exists ? Files.getLastModifiedTime(file).toInstant() : clock.instant();
        buffer.flip();
        if (!cri && since != null && modifiedAtOpen.isBefore(since)) {
            position = sizeAtOpen;
        } else if (options.tailLines() >= 0) {
            position = startOfLast(options.tailLines());
        }
        lastEndedCheck = clock.instant();
    }

    @Override
    public LogLine next() throws IOException {
        while (!closed) {
            long start = position - buffer.remaining() - record.size();
            while (buffer.hasRemaining()) {
                byte b = buffer.get();
                if (b == '\n') {
                    LogLine line = decode(start, false);
                    if (line != null) {
                        return line;
                    }
                    start = position - buffer.remaining();
                    continue;
                }
                record.write(b);
                if (!cri && record.size() >= CtrLoggers.MAX_TEXT || record.size() >= MAX_RECORD) {
                    return decode(start, true);
                }
            }
            if (fill()) {
                continue;
            }
            // at the end of what was written so far; a CRI line is written whole, so a cut one is still coming
            if (!follow || draining) {
                return record.size() > 0 ? decode(start, true) : null;
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

    /** The line of the record read so far (which then starts over); null for a CRI line before {@code since}. */
    private LogLine decode(long start, boolean cut) {
        byte[] bytes = record.toByteArray();
        record.reset();
        if (!cri) {
            return new LogLine(LogLine.Stream.STDOUT, start < sizeAtOpen ? modifiedAtOpen : clock.instant(), bytes,
                    cut);
        }
        // <time> <stdout|stderr> <F|P> <text>; a line that is not one (a cut record) is shown as it is
        String text = new String(bytes, StandardCharsets.UTF_8);
        String[] f = text.split(" ", 4);
        try {
            if (f.length >= 3 && (f[1].equals("stdout") || f[1].equals("stderr"))) {
                Instant time = Instant.parse(f[0]);
                if (since != null && time.isBefore(since)) {
                    return null;
                }
                byte[] content = f.length == 4 ? f[3].getBytes(StandardCharsets.UTF_8) : new byte[0];
                return new LogLine(f[1].equals("stdout") ? LogLine.Stream.STDOUT : LogLine.Stream.STDERR, time,
                        content, f[2].equals("P") || cut);
            }
        } catch (DateTimeParseException e) {
            // not a record of ours
        }
        return new LogLine(LogLine.Stream.STDOUT, modifiedAtOpen, bytes, true);
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
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long end = sizeAtOpen;
            long seen = 0;
            ByteBuffer block = ByteBuffer.allocate(8192);
            while (end > 0) {
                long start = Math.max(0, end - block.capacity());
                block.clear().limit((int) (end - start));
                in.read(block, start);
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
