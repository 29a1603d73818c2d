package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.LogReader.LogLine;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

/**
 * The CRI log format, one line per record: {@code <RFC 3339 time with nanoseconds> <stdout|stderr> <tag> <text>},
 * where the tag is {@code F} (the text ends a line) or {@code P} (a part: the container wrote no line end yet; the
 * next records continue it), possibly followed by more {@code :}-separated tags. Example:
 * {@code 2026-12-06T18:05:19.123456789Z stdout F hello}.
 */
final class CriLogFormat {
    private CriLogFormat() {
    }

    /** One record without its line end, or null when it is not in the CRI log format. */
    static LogLine parse(byte[] line, int length) {
        int first = indexOf(line, 0, length);
        int second = first < 0 ? -1 : indexOf(line, first + 1, length);
        if (second < 0) {
            return null;
        }
        int third = indexOf(line, second + 1, length);
        int tagEnd = third < 0 ? length : third;
        Instant time;
        try {
            time = Instant.parse(new String(line, 0, first, StandardCharsets.US_ASCII));
        } catch (DateTimeParseException e) {
            return null;
        }
        String stream = new String(line, first + 1, second - first - 1, StandardCharsets.US_ASCII);
        LogLine.Stream s;
        if (stream.equals("stdout")) {
            s = LogLine.Stream.STDOUT;
        } else if (stream.equals("stderr")) {
            s = LogLine.Stream.STDERR;
        } else {
            return null;
        }
        String tags = new String(line, second + 1, tagEnd - second - 1, StandardCharsets.US_ASCII);
        boolean partial = tags.equals("P") || tags.startsWith("P:");
        byte[] text = third < 0 ? new byte[0] : Arrays.copyOfRange(line, third + 1, length);
        return new LogLine(s, time, text, partial);
    }

    private static int indexOf(byte[] line, int from, int length) {
        for (int i = from; i < length; i++) {
            if (line[i] == ' ') {
                return i;
            }
        }
        return -1;
    }
}
