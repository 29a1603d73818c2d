package io.staticpod.agent.nodeapi.logs;

import io.staticpod.runtime.spi.LogReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Copies a container's log lines to a response as the kubelet writes them: each line with its line end (none for a
 * partial one), prefixed with its time when {@code timestamps} (RFC 3339 with nine fraction digits, UTC, then a
 * space), only the chosen stream, and no more than {@code limitBytes} bytes in all (the last line cut). Lines of a
 * log read at once are sent in batches of {@value #BATCH} bytes; a followed log is flushed line by line.
 */
public final class LogCopier {
    static final int BATCH = 16 * 1024;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private LogCopier() {
    }

    /** What the copy ended with. */
    public enum End {
        /** The log ended (read to its end, or the followed instance exited). */
        LOG_ENDED,
        /** {@code limitBytes} reached. */
        LIMIT,
        /** The client went away. */
        CLIENT_GONE
    }

    public static End copy(LogReader reader, LogQuery query, LogSink sink) throws IOException {
        long left = query.limitBytes() < 0 ? Long.MAX_VALUE : query.limitBytes();
        ByteArrayOutputStream batch = new ByteArrayOutputStream(BATCH + 512);
        try {
            for (LogReader.LogLine line; (line = reader.next()) != null; ) {
                if (!wanted(query.stream(), line.stream())) {
                    continue;
                }
                byte[] bytes = format(line, query.timestamps());
                boolean cut = bytes.length >= left;
                int n = (int) Math.min(bytes.length, left);
                batch.write(bytes, 0, n);
                left -= n;
                if (cut || query.follow() || batch.size() >= BATCH) {
                    sink.write(batch.toByteArray(), true);
                    batch.reset();
                }
                if (cut) {
                    return End.LIMIT;
                }
            }
            if (batch.size() > 0) {
                sink.write(batch.toByteArray(), true);
            }
            return End.LOG_ENDED;
        } catch (ClientGone e) {
            return End.CLIENT_GONE;
        }
    }

    private static boolean wanted(LogQuery.Stream wanted, LogReader.LogLine.Stream stream) {
        return switch (wanted) {
            case ALL -> true;
            case STDOUT -> stream == LogReader.LogLine.Stream.STDOUT;
            case STDERR -> stream == LogReader.LogLine.Stream.STDERR;
        };
    }

    /** A line as the kubelet writes it: its time first when {@code timestamps}, its line end unless partial. */
    public static byte[] format(LogReader.LogLine line, boolean timestamps) {
        byte[] prefix = timestamps ? (TIME.format(line.time()) + " ").getBytes(StandardCharsets.US_ASCII) : new byte[0];
        int end = line.partial() ? 0 : 1;
        byte[] out = new byte[prefix.length + line.bytes().length + end];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(line.bytes(), 0, out, prefix.length, line.bytes().length);
        if (end == 1) {
            out[out.length - 1] = '\n';
        }
        return out;
    }

    /** Thrown by a sink whose client is gone, to end the copy quietly. */
    public static final class ClientGone extends IOException {
        public ClientGone() {
            super("the client went away");
        }
    }
}
