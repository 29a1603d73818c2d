package io.staticpod.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent on {@code --runtime docker-cli} (the {@code docker} command line) against the real Docker engine: the
 * smoke set of the behaviour tests ({@link AgentSmokeTests}), and a node switching between the two Docker adapters
 * keeps its pods: the same containers, nothing restarted.
 */
class DockerCliSmokeIT extends AgentSmokeTests {
    @Override
    RuntimeObserver observer() {
        return new DockerObserver(List.of("--runtime", "docker-cli"));
    }

    @Test
    void aNodeSwitchingFromTheDockerCliToTheEngineApiAdoptsItsPodsWithoutRestartingThem() throws Exception {
        startAgent();
        write("keep.yaml", pod("keep", SLEEPER));
        write("net.yaml", pod("net", SLEEPER, "hostNetwork: true"));
        awaitRunning("keep", "app");
        awaitRunning("net", "app");
        agent.stop();
        Set<String> before = ids();
        assertThat(before).hasSize(4);

        int port = OperateAgentIT.freePort();
        agent = AgentProcess.start(manifests, node, root, "--runtime", "docker", "--healthz-port",
                Integer.toString(port));
        Scrape scrape = new Scrape(port);

        // both pods synced and reported Running by the new agent: whatever it was going to do, it has done
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().alias("both pods Running on the API adapter")
                .until(() -> {
                    String pods = scrape.get("/pods").body();
                    return pods.split("\"phase\" : \"Running\"", -1).length == 3
                            && pods.contains("keep-" + node) && pods.contains("net-" + node);
                });
        assertThat(ids()).isEqualTo(before);
        assertThat(docker.running(node)).hasSize(4);
        assertThat(agent.log()).doesNotContain("Started container of static pod", "Created sandbox of static pod",
                "Killing");
    }
}
