package io.staticpod.agent.nodeapi.logs;

import io.staticpod.runtime.spi.LogOptions;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's {@code PodLogOptions} for one log request, read from the query string as the API server sends it
 * ({@code follow}, {@code previous}, {@code timestamps}, {@code tailLines} (or the old {@code tail}),
 * {@code limitBytes}, {@code sinceSeconds}, {@code sinceTime}, {@code stream}); other parameters are ignored, as the
 * kubelet ignores them. A value that is not of its type or out of its bounds is a {@link BadOption} naming it
 * (answered 400).
 *
 * @param tailLines  -1 for all
 * @param limitBytes -1 for no limit
 * @param since      null for the whole log
 * @param stream     which of the container's outputs
 */
public record LogQuery(boolean follow, boolean previous, boolean timestamps, long tailLines, long limitBytes,
                       Instant since, Stream stream) {
    /** Far enough back to mean "everything", without overflowing {@link Instant}. */
    private static final Duration LONGEST_SINCE = Duration.ofDays(365L * 1000);

    public enum Stream { ALL, STDOUT, STDERR }

    /** A query parameter that is not acceptable; the message names it. */
    public static final class BadOption extends Exception {
        public BadOption(String message) {
            super(message);
        }
    }

    /** The runtime's part of it: follow, tail and since (the rest is applied while copying). */
    public LogOptions options() {
        return new LogOptions(follow, tailLines, since);
    }

    /**
     * @param params the decoded query parameters, each with its values in order (the first counts, as in Go)
     * @param clock  for {@code sinceSeconds}
     */
    public static LogQuery parse(Map<String, List<String>> params, InstantSource clock) throws BadOption {
        boolean follow = bool(params, "follow");
        boolean previous = bool(params, "previous");
        boolean timestamps = bool(params, "timestamps");
        long tail = -1;
        String tailOld = first(params, "tail");
        if (tailOld != null && !tailOld.equals("all")) {
            tail = nonNegative("tail", tailOld);
        }
        String tailLines = first(params, "tailLines");
        if (tailLines != null) {
            tail = nonNegative("tailLines", tailLines);
        }
        long limit = -1;
        String limitBytes = first(params, "limitBytes");
        if (limitBytes != null) {
            limit = number("limitBytes", limitBytes);
            if (limit < 1) {
                throw new BadOption("limitBytes: " + quote(limitBytes) + " must be at least 1");
            }
        }
        String sinceSeconds = first(params, "sinceSeconds");
        String sinceTime = first(params, "sinceTime");
        if (sinceSeconds != null && sinceTime != null) {
            throw new BadOption("sinceSeconds, sinceTime: at most one of them may be given");
        }
        Instant since = null;
        if (sinceSeconds != null) {
            long seconds = number("sinceSeconds", sinceSeconds);
            if (seconds < 1) {
                throw new BadOption("sinceSeconds: " + quote(sinceSeconds) + " must be at least 1");
            }
            Duration back = seconds > LONGEST_SINCE.toSeconds() ? LONGEST_SINCE : Duration.ofSeconds(seconds);
            since = clock.instant().minus(back);
        } else if (sinceTime != null) {
            try {
                since = OffsetDateTime.parse(sinceTime).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadOption("sinceTime: " + quote(sinceTime) + " is not an RFC 3339 time such as"
                        + " 2024-05-01T10:00:00Z");
            }
        }
        return new LogQuery(follow, previous, timestamps, tail, limit, since, stream(first(params, "stream")));
    }

    private static Stream stream(String raw) throws BadOption {
        if (raw == null || raw.equals("All")) {
            return Stream.ALL;
        }
        return switch (raw) {
            case "Stdout" -> Stream.STDOUT;
            case "Stderr" -> Stream.STDERR;
            default -> throw new BadOption("stream: " + quote(raw) + " is not a log stream; use All, Stdout or Stderr");
        };
    }

    /** Go's {@code strconv.ParseBool}; absent is false. */
    private static boolean bool(Map<String, List<String>> params, String name) throws BadOption {
        String raw = first(params, name);
        if (raw == null) {
            return false;
        }
        return switch (raw) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new BadOption(name + ": " + quote(raw) + " is not a boolean; use true or false");
        };
    }

    private static long nonNegative(String name, String raw) throws BadOption {
        long n = number(name, raw);
        if (n < 0) {
            throw new BadOption(name + ": " + quote(raw) + " must not be negative");
        }
        return n;
    }

    private static long number(String name, String raw) throws BadOption {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new BadOption(name + ": " + quote(raw) + " is not a whole number of at most 19 digits");
        }
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Quoted, and cut short: a value is the client's and may be very long. */
    private static String quote(String raw) {
        return "\"" + (raw.length() > 64 ? raw.substring(0, 64) + "…" : raw) + "\"";
    }
}
