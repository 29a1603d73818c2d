package io.staticpod.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import org.testcontainers.DockerClientFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What really runs on Docker, read through Testcontainers' Docker client: an observer independent of the agent's
 * own adapter.
 */
final class DockerObserver implements RuntimeObserver {
    private final DockerClient docker = DockerClientFactory.instance().client();
    private final List<String> agentArgs;

    /** Docker as the agent's default runtime ({@code --runtime docker}, the Engine API). */
    DockerObserver() {
        this(List.of());
    }

    /** Docker driven by the agent with these flags (such as {@code --runtime docker-cli}). */
    DockerObserver(List<String> agentArgs) {
        this.agentArgs = List.copyOf(agentArgs);
    }

    @Override
    public void require() {
        ItEnvironment.requireDocker();
    }

    @Override
    public List<String> agentArgs() {
        return agentArgs;
    }

    @Override
    public List<Seen> all(String node) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OWNER, node)).exec().stream()
                .map(c -> new Seen(c.getId(), c.getNames()[0].substring(1), c.getLabels(),
                        "running".equals(c.getState())))
                .toList();
    }

    @Override
    public List<String> env(String id) {
        try {
            String[] env = inspect(id).getConfig().getEnv();
            return env == null ? List.of() : List.of(env);
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return null;
        }
    }

    InspectContainerResponse inspect(String id) {
        return docker.inspectContainerCmd(id).exec();
    }

    @Override
    public void kill(String id) {
        docker.killContainerCmd(id).exec();
    }

    @Override
    public String logs(String id) {
        try {
            Process p = new ProcessBuilder("docker", "logs", id).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void removeAll(String node) {
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(OWNER, node)).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
