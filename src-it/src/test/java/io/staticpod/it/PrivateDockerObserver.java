package io.staticpod.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A dockerd of the test's own ({@link PrivateRuntime.Dockerd}) as the runtime under test, driven by the agent through
 * the Docker Engine API (the default runtime) on its socket. For tests that push Docker hard enough to hit its known
 * deadlocks (moby/moby#46661): a hung private dockerd hangs that test only, never the shared engine. Observed through
 * our API adapter and its own {@code docker -H} CLI.
 */
final class PrivateDockerObserver implements RuntimeObserver, AutoCloseable {
    private PrivateRuntime.Dockerd dockerd;

    @Override
    public void require() {
        ItEnvironment.requireDocker(); // the images come from the shared engine
        try {
            dockerd = new PrivateRuntime.Dockerd();
            dockerd.start();
            dockerd.loadImages();
        } catch (Exception e) {
            throw new AssertionError("cannot start a private dockerd: " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> agentArgs() {
        return dockerd.agentArgs();
    }

    @Override
    public List<Seen> all(String node) {
        return SpiObserver.all(dockerd.client(), node);
    }

    @Override
    public List<String> env(String id) {
        try {
            String json = docker("inspect", "--format", "{{json .Config.Env}}", id);
            if (json == null) {
                return null;
            }
            List<String> env = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).forEach(e -> env.add(e.asText()));
            return env;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void kill(String id) {
        docker("kill", id);
    }

    @Override
    public String logs(String id) {
        String out = docker("logs", id);
        return out == null ? "" : out;
    }

    @Override
    public void removeAll(String node) {
        SpiObserver.removeAll(dockerd.client(), Map.of(OWNER, node));
    }

    /** Whether the engine is in Docker's own deadlock ({@link PrivateRuntime.Dockerd#wedged}). */
    boolean wedged() {
        return dockerd.wedged();
    }

    /** Kills the engine with everything of it and starts it again ({@link PrivateRuntime#restartKilled}). */
    void restartKilled() throws InterruptedException {
        dockerd.restartKilled();
    }

    /**
     * Runs the docker CLI against the private engine; its output, or null when it fails or does not answer within
     * 20 s (an engine in its deadlock never does).
     */
    private String docker(String... args) {
        List<String> argv = new java.util.ArrayList<>(List.of("docker", "-H", "unix://" + dockerd.dir.resolve(
                "docker.sock")));
        argv.addAll(List.of(args));
        try {
            java.io.File out = java.io.File.createTempFile("spa-docker-cli", ".out");
            try {
                Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out).start();
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return null;
                }
                return p.exitValue() == 0 ? java.nio.file.Files.readString(out.toPath(), StandardCharsets.UTF_8) : null;
            } finally {
                java.nio.file.Files.deleteIfExists(out.toPath());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        if (dockerd != null) {
            dockerd.close();
        }
    }
}
