package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NodeEndpointTest {
    static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    /** The status as written, read through fabric8's typed model: field names as the API defines them. */
    private static NodeStatus status(int port) {
        NodeFacts facts = new NodeFacts("node-1", Map.of(), "127.0.0.1", 2, 1024, "k", "os", "amd64",
                "docker://20.10", null, port);
        return new KubernetesSerialization().convertValue(
                NodeObjects.status(facts, new NodeObjects.Health(true, "", NOW), NOW, NOW), NodeStatus.class);
    }

    @Test
    void theNodePublishesTheNodeApiPortAndItsAddressesForTheApiServer() {
        NodeStatus status = status(10250);

        assertThat(status.getDaemonEndpoints().getKubeletEndpoint().getPort()).isEqualTo(10250);
        assertThat(status.getAddresses()).extracting(a -> a.getType() + "=" + a.getAddress())
                .containsExactly("InternalIP=127.0.0.1", "Hostname=node-1");
    }

    @Test
    void aNodeWithoutNodeApiPublishesNoEndpoint() {
        assertThat(status(0).getDaemonEndpoints()).isNull();
    }

    @Test
    void nodeIpWinsOverTheDetectedAddress() {
        assertThat(NodeFacts.detect("node-1", Map.of(), "docker://1", "192.0.2.7", 10250).internalIp())
                .isEqualTo("192.0.2.7");
    }
}
