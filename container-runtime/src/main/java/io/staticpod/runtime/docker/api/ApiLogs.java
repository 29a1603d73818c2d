package io.staticpod.runtime.docker.api;

import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;

import static io.staticpod.runtime.docker.DockerNaming.shortId;

/**
 * Container logs on the Docker Engine API ({@code GET /containers/{id}/logs}, json-file or journald logs kept by the
 * engine), with Docker's time stamps, so that each line has its time. Each multiplexed frame is one line as the
 * engine stored it: {@code <RFC 3339 time> <bytes>}, ending in a line feed unless the container wrote none. Only the
 * head of the answer has a deadline; the body is read on the caller's thread until it ends (the log is read; while
 * following, the container stopped) or the reader is closed.
 */
final class ApiLogs implements ContainerLogs {

    private final ApiClient api;

    ApiLogs(ApiClient api) {
        this.api = api;
    }

    @Override
    public LogReader open(String containerId, LogOptions options) {
        String what = "logs of container " + shortId(containerId);
        StringBuilder query = new StringBuilder("?stdout=1&stderr=1&timestamps=1&follow=")
                .append(options.follow() ? 1 : 0)
                .append("&tail=").append(options.tailLines() < 0 ? "all" : Long.toString(options.tailLines()));
        if (options.since() != null) {
            query.append("&since=").append(options.since().getEpochSecond()).append('.')
                    .append(String.format("%09d", options.since().getNano()));
        }
        DockerHttp.Stream stream;
        try {
            stream = api.http.open("GET", api.path("/containers/" + containerId + "/logs" + query), null,
                    api.callTimeout);
        } catch (IOException e) {
            throw ApiErrors.transport(what, api.endpoint, e);
        }
        if (stream.status != 200) {
            try (stream) {
                throw ApiErrors.status(ApiErrors.Kind.READ, what, stream.status, stream.body.readAllBytes(),
                        api.version());
            } catch (IOException e) {
                throw ApiErrors.transport(what, api.endpoint, e);
            }
        }
        return new Reader(stream);
    }

    /** The lines of one log answer. */
    private static final class Reader implements LogReader {
        private final DockerHttp.Stream stream;
        private final Frames frames;
        private volatile boolean closed;

        Reader(DockerHttp.Stream stream) {
            this.stream = stream;
            this.frames = new Frames(stream.body);
        }

        @Override
        public LogLine next() throws IOException {
            if (closed) {
                return null;
            }
            Frames.Frame frame;
            try {
                frame = frames.next();
            } catch (IOException e) {
                if (closed) {
                    return null;
                }
                throw e;
            }
            return frame == null ? null : line(frame);
        }

        @Override
        public void close() {
            closed = true;
            stream.close();
        }
    }

    static LogReader.LogLine line(Frames.Frame frame) {
        byte[] p = frame.payload();
        int space = 0;
        while (space < p.length && p[space] != ' ') {
            space++;
        }
        Instant time;
        int start;
        try {
            time = OffsetDateTime.parse(new String(p, 0, space, StandardCharsets.US_ASCII)).toInstant();
            start = Math.min(space + 1, p.length);
        } catch (DateTimeParseException e) {
            throw new RuntimeError.Unavailable("docker: a log line without its time stamp: not a Docker log", e);
        }
        boolean partial = p.length == start || p[p.length - 1] != '\n';
        byte[] bytes = Arrays.copyOfRange(p, start, partial ? p.length : p.length - 1);
        LogReader.LogLine.Stream which = frame.stream() == 2 ? LogReader.LogLine.Stream.STDERR
                : LogReader.LogLine.Stream.STDOUT;
        return new LogReader.LogLine(which, time, bytes, partial);
    }
}
