package io.staticpod.runtime.spi;

import java.time.Instant;

/**
 * Which part of a log to read.
 *
 * @param follow    keep reading as the container writes, until its process ends (or the reader is closed)
 * @param tailLines only the last this many lines before following, or -1 for all
 * @param since     only lines written at or after this time, or null for all
 */
public record LogOptions(boolean follow, long tailLines, Instant since) {
    public static final LogOptions ALL = new LogOptions(false, -1, null);
}
