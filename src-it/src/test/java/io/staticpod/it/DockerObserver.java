package io.staticpod.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import org.testcontainers.DockerClientFactory;

import java.util.List;
import java.util.Map;

/**
 * What really runs, read through Testcontainers' Docker client: an observer independent of the agent's own
 * adapter.
 */
final class DockerObserver {
    static final String OWNER = "io.staticpod.agent.node";

    private final DockerClient docker = DockerClientFactory.instance().client();

    /** Every container (running or not) the agent for {@code node} owns. */
    List<Container> all(String node) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(OWNER, node)).exec();
    }

    List<Container> running(String node) {
        return all(node).stream().filter(c -> "running".equals(c.getState())).toList();
    }

    /** Running app containers (not sandboxes) named {@code container} in pods of {@code node}. */
    List<Container> running(String node, String podName, String container) {
        return running(node).stream()
                .filter(c -> podName.equals(c.getLabels().get("io.kubernetes.pod.name")))
                .filter(c -> container.equals(c.getLabels().get("io.kubernetes.container.name")))
                .toList();
    }

    InspectContainerResponse inspect(String id) {
        return docker.inspectContainerCmd(id).exec();
    }

    void kill(String id) {
        docker.killContainerCmd(id).exec();
    }

    /** Removes everything the agent for {@code node} left behind. */
    void removeAll(String node) {
        for (Container c : all(node)) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
    }
}
