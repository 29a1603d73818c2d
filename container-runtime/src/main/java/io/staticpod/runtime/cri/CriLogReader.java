package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Reads one container's CRI log file, as {@code kubectl logs} shows it: every record, or the last {@code tailLines},
 * or those since a time; when following, it waits for more (looking again every {@value #POLL_MILLIS} ms) and ends
 * once the container has stopped and the file has nothing more. A file renamed aside by a rotation is read to its
 * end, then the new file at the same path from its start. Lines not in the CRI format are skipped. Not thread-safe,
 * except {@link #close()}.
 */
final class CriLogReader implements LogReader {
    static final long POLL_MILLIS = 100;
    /** How often, while following a file that does not grow, the runtime is asked whether the container still runs. */
    static final Duration RUNNING_CHECK = Duration.ofMillis(500);
    private static final int MAX_LINE = 1024 * 1024;

    private final Path path;
    private final LogOptions options;
    private final BooleanSupplier running;
    private final ArrayDeque<LogLine> pending = new ArrayDeque<>();
    private final Object wake = new Object();
    private SeekableByteChannel channel;
    private InputStream in;
    private Object fileKey;
    private byte[] line = new byte[4096];
    private int length;
    private boolean started;
    private volatile boolean closed;

    /**
     * @param running asked (at most every {@link #RUNNING_CHECK}) while following: false ends the log
     */
    CriLogReader(Path path, LogOptions options, BooleanSupplier running) throws IOException {
        this.path = path;
        this.options = options;
        this.running = running;
        open();
    }

    private void open() throws IOException {
        channel = Files.newByteChannel(path, StandardOpenOption.READ);
        in = new java.io.BufferedInputStream(Channels.newInputStream(channel), 64 * 1024);
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    @Override
    public LogLine next() throws IOException {
        if (!started) {
            started = true;
            readExisting();
        }
        if (!pending.isEmpty()) {
            return pending.poll();
        }
        if (!options.follow()) {
            return null;
        }
        long nextCheck = 0;
        while (!closed) {
            LogLine read = readRecord();
            if (read != null) {
                if (wanted(read)) {
                    return read;
                }
                continue;
            }
            if (rotated()) {
                continue;
            }
            long now = System.nanoTime();
            if (now >= nextCheck) {
                if (!running.getAsBoolean()) {
                    // it stopped: whatever it wrote before is in the file now
                    LogLine last = readRecord();
                    while (last != null && !wanted(last)) {
                        last = readRecord();
                    }
                    return last;
                }
                nextCheck = now + RUNNING_CHECK.toNanos();
            }
            synchronized (wake) {
                try {
                    wake.wait(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
        return null;
    }

    /** The file as it is now, filtered by {@code since} and cut to the last {@code tailLines}. */
    private void readExisting() throws IOException {
        LogLine read;
        while ((read = readRecord()) != null) {
            if (!wanted(read)) {
                continue;
            }
            pending.add(read);
            if (options.tailLines() >= 0 && pending.size() > options.tailLines()) {
                pending.poll();
            }
        }
    }

    private boolean wanted(LogLine read) {
        return options.since() == null || !read.time().isBefore(options.since());
    }

    /** The next complete record, or null when the file has no complete line more (yet). */
    private LogLine readRecord() throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            if (b != '\n') {
                if (length == line.length && line.length < MAX_LINE) {
                    line = Arrays.copyOf(line, Math.min(MAX_LINE, line.length * 2));
                }
                if (length < line.length) {
                    line[length++] = (byte) b;
                }
                continue;
            }
            LogLine parsed = CriLogFormat.parse(line, length);
            length = 0;
            if (parsed != null) {
                return parsed;
            }
        }
    }

    /** When the path is now another file (a rotation renamed ours aside), switches to it. */
    private boolean rotated() throws IOException {
        Object key;
        try {
            key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return false;
        }
        if (Objects.equals(key, fileKey)) {
            return false;
        }
        in.close();
        length = 0;
        open();
        return true;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        try {
            in.close();
        } catch (IOException e) {
            // closing
        }
    }
}
