package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * its exit code. A command still running at its timeout is given up: the stream is closed, its process killed (the
 * Engine API has no call to end an exec: the agent sends SIGKILL to the process the engine names, as containerd's CRI
 * plugin ends a timed-out exec) and the result says timed out. The same calls serve {@code kubectl exec}
 * ({@link ExecStreams}): the output copied as it comes (frame by frame, or raw from a terminal), without a deadline,
 * the command killed the same way when its client has gone ({@link Process#kill});
 * with stdin, the start goes on a connection of its own that the engine takes over ({@link DockerHttp#hijack}), the
 * command's input written to it; a terminal's size set through {@code POST /exec/{id}/resize}. {@code kubectl attach}:
 * {@code POST /containers/{id}/attach}, the container's output as it comes.
 */
final class ApiExec implements ExecSync, ExecStreams {

    /** Of each of stdout and stderr, at most this much is kept. */
    static final int MAX_OUTPUT = 16 << 10;

    private final ApiClient api;

    ApiExec(ApiClient api) {
        this.api = api;
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, Duration timeout) {
        String what = "exec in container " + shortId(containerId);
        String execId = create(what, containerId, command, false, false);
        long end = System.nanoTime() + timeout.toNanos();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (DockerHttp.Stream stream = start(what, execId, timeout.plus(api.callTimeout), false)) {
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
                try {
                    kill(what, execId);
                } catch (RuntimeException killFailed) {
                    e.addSuppressed(killFailed); // timed out either way: the probe says so
                }
                return new ExecResult(-1, text(out, err), true);
            }
            throw ApiErrors.transport(what, api.endpoint, e);
        }
        return new ExecResult(exitCode(what, execId, end), text(out, err), false);
    }

    @Override
    public Process start(String containerId, List<String> command, boolean stdin, boolean tty) {
        String what = "exec in container " + shortId(containerId);
        String execId = create(what, containerId, command, stdin, tty);
        try {
            if (!stdin) { // the output in the answer's body, as for a probe
                DockerHttp.Stream stream = start(what, execId, api.callTimeout, tty);
                return new Running(what, execId, tty, stream.body, null, stream::cancel);
            }
            DockerHttp.Answer[] refused = new DockerHttp.Answer[1];
            DockerHttp.Hijacked conn = api.http.hijack(api.path("/exec/" + execId + "/start"),
                    json(Map.of("Detach", false, "Tty", tty)), api.callTimeout, refused);
            if (conn == null) {
                throw ApiErrors.status(ApiErrors.Kind.EXEC, what, refused[0].status(), refused[0].body(),
                        api.version());
            }
            return new Running(what, execId, tty, conn.in, conn, conn::close);
        } catch (IOException e) {
            throw ApiErrors.transport(what, api.endpoint, e);
        }
    }

    /**
     * {@code POST /containers/{id}/attach?stream=1&stdout=1&stderr=1}: the container's output from now on, multiplexed
     * (no container of the agent's has a terminal), until it exits; no stdin (none has it open).
     */
    @Override
    public Process attach(String containerId) {
        String what = "attach to container " + shortId(containerId);
        // the engine attaches to an exited container too (its output then ends at once): not running is not found
        if (!api.get(ApiErrors.Kind.EXEC, what, "/containers/" + containerId + "/json").path("State")
                .path("Running").asBoolean(false)) {
            throw new RuntimeError.NotFound(what + ": the container is not running");
        }
        try {
            DockerHttp.Stream stream = api.http.open("POST", api.path("/containers/" + containerId
                    + "/attach?stream=1&stdout=1&stderr=1"), null, api.callTimeout);
            if (stream.status != 200) {
                byte[] body;
                try (stream) {
                    body = stream.body.readAllBytes();
                }
                throw ApiErrors.status(ApiErrors.Kind.EXEC, what, stream.status, body, api.version());
            }
            return new Running(what, null, false, stream.body, null, stream::cancel);
        } catch (IOException e) {
            throw ApiErrors.transport(what, api.endpoint, e);
        }
    }

    /**
     * A started exec: its output (multiplexed, or raw with a terminal), its input on a hijacked connection; or an
     * attach (no exec id): its output, no input (dropped), no exit code (0).
     */
    private final class Running implements Process {
        private final String what;
        private final String execId;
        private final boolean tty;
        private final InputStream output;
        private final DockerHttp.Hijacked input;
        private final Runnable close;

        Running(String what, String execId, boolean tty, InputStream output, DockerHttp.Hijacked input,
                Runnable close) {
            this.what = what;
            this.execId = execId;
            this.tty = tty;
            this.output = output;
            this.input = input;
            this.close = close;
        }

        @Override
        public OutputStream stdin() {
            return new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (execId == null) {
                        return; // an attach: the container has no stdin open, as a runtime drops it
                    }
                    if (input == null) {
                        throw new IOException(what + " was started without stdin");
                    }
                    input.out.write(b, off, len);
                    input.out.flush();
                }

                @Override
                public void close() throws IOException {
                    if (input != null) {
                        input.closeInput();
                    }
                }
            };
        }

        @Override
        public int copyOutput(OutputStream stdout, OutputStream stderr) throws IOException {
            try {
                if (tty) {
                    byte[] buffer = new byte[32 << 10];
                    for (int n; (n = read(buffer)) > 0; ) {
                        stdout.write(buffer, 0, n);
                        stdout.flush();
                    }
                } else {
                    Frames frames = new Frames(output);
                    for (Frames.Frame f = next(frames); f != null; f = next(frames)) {
                        OutputStream to = f.stream() == 2 ? stderr : stdout;
                        to.write(f.payload());
                        to.flush();
                    }
                }
            } finally {
                close();
            }
            return execId == null ? 0 : exitCode(what, execId, System.nanoTime() + api.callTimeout.toNanos());
        }

        private int read(byte[] buffer) {
            try {
                return output.read(buffer);
            } catch (IOException e) {
                throw ApiErrors.transport(what, api.endpoint, e);
            }
        }

        private Frames.Frame next(Frames frames) {
            try {
                return frames.next();
            } catch (IOException e) {
                throw ApiErrors.transport(what, api.endpoint, e);
            }
        }

        @Override
        public void resize(int width, int height) {
            if (!tty || execId == null || width <= 0 || height <= 0) {
                return;
            }
            DockerHttp.Answer answer = api.send(what, "POST", "/exec/" + execId + "/resize?h=" + height + "&w="
                    + width, null, api.callTimeout);
            if (answer.status() >= 300) {
                throw ApiErrors.status(ApiErrors.Kind.EXEC, what, answer.status(), answer.body(), api.version());
            }
        }

        /** SIGKILL to its process, as containerd's CRI plugin ends an exec whose client has gone. */
        @Override
        public void kill() {
            if (execId != null) {
                ApiExec.this.kill(what, execId);
            }
        }

        @Override
        public void close() {
            close.run();
        }
    }

    /** {@code POST /containers/{id}/exec}: the exec's id. */
    private String create(String what, String containerId, List<String> command, boolean stdin, boolean tty) {
        DockerHttp.Answer created = api.send(what, "POST", "/containers/" + containerId + "/exec",
                Map.of("AttachStdin", stdin, "AttachStdout", true, "AttachStderr", !tty, "Tty", tty, "Cmd", command),
                api.callTimeout);
        if (created.status() != 201) {
            throw ApiErrors.status(ApiErrors.Kind.EXEC, what, created.status(), created.body(), api.version());
        }
        return ApiClient.json(what, created).path("Id").asText();
    }

    /** {@code POST /exec/{id}/start}: its output as a multiplexed stream, the head within {@code deadline}. */
    private DockerHttp.Stream start(String what, String execId, Duration deadline, boolean tty) throws IOException {
        DockerHttp.Stream stream = api.http.open("POST", api.path("/exec/" + execId + "/start"),
                json(Map.of("Detach", false, "Tty", tty)), deadline);
        if (stream.status != 200) {
            byte[] body;
            try (stream) {
                body = stream.body.readAllBytes();
            }
            throw ApiErrors.status(ApiErrors.Kind.EXEC, what, stream.status, body, api.version());
        }
        return stream;
    }

    /**
     * SIGKILL to the exec's process (the engine's {@code Pid}, in the engine's PID namespace) while it runs, if that
     * process of ours is in the container's control group: an agent in another PID namespace than the engine's would
     * otherwise see another process under that number.
     */
    private void kill(String what, String execId) {
        JsonNode exec = api.get(ApiErrors.Kind.OTHER, what, "/exec/" + execId + "/json");
        long pid = exec.path("Pid").asLong(0);
        String container = exec.path("ContainerID").asText("");
        if (!exec.path("Running").asBoolean(false) || pid <= 0 || container.isEmpty()) {
            return;
        }
        try {
            if (Files.readString(Path.of("/proc/" + pid + "/cgroup")).contains(container)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (IOException e) {
            // gone meanwhile, or not ours to see: nothing to end
        }
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

    private static byte[] json(Map<String, Object> body) {
        try {
            return ApiClient.JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
