package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.ExecSync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static io.staticpod.runtime.docker.DockerNaming.shortId;

/**
 * Exec probes on the Docker Engine API: {@code POST /containers/{id}/exec}, then {@code POST /exec/{id}/start},
 * whose answer is the command's output as a multiplexed stream until it ends, then {@code GET /exec/{id}/json} for
 * its exit code. A command still running at its timeout is given up: the stream is closed (the process goes on in the
 * container; Docker has no way to end it) and the result says timed out.
 */
final class ApiExec implements ExecSync {

    /** Of each of stdout and stderr, at most this much is kept. */
    static final int MAX_OUTPUT = 16 << 10;

    private final ApiClient api;

    ApiExec(ApiClient api) {
        this.api = api;
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String what = "exec in container " + shortId(containerId);
        DockerHttp.Answer created = api.send(what, "POST", "/containers/" + containerId + "/exec",
                Map.of("AttachStdout", true, "AttachStderr", true, "Cmd", command), api.callTimeout);
        if (created.status() != 201) {
            throw ApiErrors.status(ApiErrors.Kind.EXEC, what, created.status(), created.body(), api.version());
        }
        String execId = ApiClient.json(what, created).path("Id").asText();
        long end = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (DockerHttp.Stream stream = api.http.open("POST", api.path("/exec/" + execId + "/start"),
                ApiClient.JSON.writeValueAsBytes(Map.of("Detach", false, "Tty", false)),
                timeout.plus(api.callTimeout))) {
            if (stream.status != 200) {
                throw ApiErrors.status(ApiErrors.Kind.OTHER, what, stream.status, stream.body.readAllBytes(),
                        api.version());
            }
            ScheduledFuture<?> timer = api.http.schedule(() -> {
                timedOut.set(true);
                stream.cancel();
            }, Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            try {
                Frames frames = new Frames(stream.body);
                for (Frames.Frame f = frames.next(); f != null; f = frames.next()) {
                    ByteArrayOutputStream to = f.stream() == 2 ? err : out;
                    to.write(f.payload(), 0, Math.min(f.payload().length, MAX_OUTPUT - to.size()));
                }
            } finally {
                timer.cancel(false);
            }
        } catch (IOException e) {
            if (timedOut.get()) {
                return new ExecResult(-1, text(out, err), true);
            }
            throw ApiErrors.transport(what, api.endpoint, e);
        }
        return new ExecResult(exitCode(what, execId, end), text(out, err), false);
    }

    /** The exit code, once the engine has recorded it (it may lag the end of the output by a moment). */
    private int exitCode(String what, String execId, long end) {
        for (int attempt = 0; ; attempt++) {
            JsonNode exec = api.get(ApiErrors.Kind.OTHER, what, "/exec/" + execId + "/json");
            if (!exec.path("Running").asBoolean(false) || attempt >= 50 || System.nanoTime() - end > 0) {
                return exec.path("ExitCode").asInt(-1);
            }
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
        }
    }

    private static String text(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
