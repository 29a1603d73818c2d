package io.staticpod.runtime.spi;

import java.io.IOException;
import java.time.Instant;

/**
 * A container's log, line by line. Not thread-safe, except {@link #close()}, which any thread may call to end a
 * blocked {@link #next()}.
 */
public interface LogReader extends AutoCloseable {

    /**
     * The next line, blocking while following; null at the end (the log read, or while following: the process
     * ended, or the reader was closed).
     */
    LogLine next() throws IOException;

    @Override
    void close();

    /**
     * One line as written, without its line end.
     *
     * @param time    when the runtime received it (never null)
     * @param partial the container wrote no line end yet (a long line cut, or the last bytes before an exit)
     */
    record LogLine(Stream stream, Instant time, byte[] bytes, boolean partial) {
        public enum Stream { STDOUT, STDERR }
    }
}
