package io.staticpod.it;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.containerd.CtrRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What really runs on the tests' own containerd. Listing goes through {@link CtrRuntime} (the contract-tested
 * adapter: ctr shows our names and labels only through it); killing goes through {@code ctr tasks kill} itself.
 */
final class ContainerdObserver implements RuntimeObserver {
    static final String ADDRESS = ContainerdRuntimeContractIT.ADDRESS;
    static final String NAMESPACE = CtrRuntime.DEFAULT_NAMESPACE;

    private final CtrRuntime ctr = new CtrRuntime(new ProcessCommandRunner(), "unix://" + ADDRESS, NAMESPACE,
            CtrRuntime.DEFAULT_LOG_DIR);

    @Override
    public void require() {
        ItEnvironment.requireDocker(); // the agent jar and the images come from there
        String problem = null;
        try {
            ctr.version();
            ctr.ensureImage(ItEnvironment.BUSYBOX, PullPolicy.NEVER);
            ctr.ensureImage(ItEnvironment.PAUSE, PullPolicy.NEVER);
        } catch (RuntimeException e) {
            problem = "containerd at " + ADDRESS + " is not usable: " + e.getMessage()
                    + " (scripts/test starts it: `. scripts/lib.sh; ensure_containerd`)";
        }
        if (problem != null) {
            if (ItEnvironment.ci()) {
                throw new AssertionError("CI=true and " + problem);
            }
            org.junit.jupiter.api.Assumptions.abort(problem);
        }
    }

    @Override
    public List<String> agentArgs() {
        return List.of("--runtime", "containerd", "--container-runtime-endpoint", "unix://" + ADDRESS);
    }

    @Override
    public List<Seen> all(String node) {
        return ctr.list(Map.of(OWNER, node)).stream()
                .map(c -> new Seen(c.id(), c.name(), c.labels(), c.state() == ContainerInfo.State.RUNNING))
                .toList();
    }

    @Override
    public List<String> env(String id) {
        try {
            Process p = new ProcessBuilder("ctr", "-a", ADDRESS, "-n", NAMESPACE, "containers", "info", id)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() != 0) {
                return null; // gone
            }
            List<String> env = new java.util.ArrayList<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(out).path("Spec").path("process").path("env")
                    .forEach(e -> env.add(e.asText()));
            return env;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void kill(String id) {
        try {
            Process p = new ProcessBuilder("ctr", "-a", ADDRESS, "-n", NAMESPACE, "tasks", "kill", "-s", "SIGKILL", id)
                    .inheritIO().start();
            p.waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String logs(String id) {
        try {
            Path log = CtrRuntime.DEFAULT_LOG_DIR.resolve(id + ".log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void removeAll(String node) {
        for (ContainerInfo c : ctr.list(Map.of(OWNER, node))) {
            try {
                if (c.running()) {
                    ctr.stop(c.id(), Duration.ZERO);
                }
                ctr.remove(c.id());
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
