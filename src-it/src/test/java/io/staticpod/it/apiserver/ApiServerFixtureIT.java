package io.staticpod.it.apiserver;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Proves the test API server is configured like a real cluster's: the rules the agent's mirror client relies on
 * (Node authorizer and NodeRestriction admission) are enforced for a node's client certificate.
 */
@ExtendWith(ApiServerExtension.class)
class ApiServerFixtureIT {
    private static final String NODE = "fixture-node-a";
    private static final String OTHER = "fixture-node-b";
    private static final String MIRROR = "kubernetes.io/config.mirror";

    private static KubernetesClient node;
    private static Node registered;

    private final ApiServerFixture api;

    /** Injected per test, so that missing binaries skip (or, under CI, fail) each test rather than the class. */
    ApiServerFixtureIT(ApiServerFixture api) {
        this.api = api;
        synchronized (ApiServerFixtureIT.class) {
            if (node == null) {
                node = api.nodeClient(NODE);
                registered = node.nodes().resource(node(NODE)).create();
            }
        }
    }

    @AfterAll
    static void closeNodeClient() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void the_admin_lists_the_namespaces_the_api_server_makes_itself() {
        assertThat(api.adminClient().namespaces().list().getItems()).extracting(Namespace::getMetadata)
                .extracting(m -> m.getName())
                .contains("default", "kube-system", "kube-public", "kube-node-lease");
        assertThat(api.adminClient().getKubernetesVersion().getGitVersion()).startsWith("v1.20.");
    }

    @Test
    void kubeconfigs_are_files_with_the_url_and_embedded_certificates() throws Exception {
        String kubeconfig = Files.readString(api.nodeKubeconfig(NODE));
        assertThat(kubeconfig).contains("server: " + api.url(), "client-certificate-data:", "client-key-data:",
                "certificate-authority-data:");
        assertThat(api.url()).startsWith("https://127.0.0.1:");
        assertThat(Files.readString(api.adminKubeconfig())).contains("server: " + api.url());
    }

    @Test
    void a_node_registers_its_own_node_object() {
        assertThat(registered.getMetadata().getUid()).isNotBlank();
        assertThat(api.adminClient().nodes().withName(NODE).get()).isNotNull();
        // and it may update it, as the kubelet's status loop does
        Node patched = node.nodes().withName(NODE).edit(n -> new NodeBuilder(n).editMetadata()
                .addToLabels("example.test/edited", "yes").endMetadata().build());
        assertThat(patched.getMetadata().getLabels()).containsEntry("example.test/edited", "yes");
    }

    @Test
    void a_node_cannot_create_a_node_object_for_another_name() {
        assertForbidden(() -> node.nodes().resource(node(OTHER)).create(),
                "node \"" + NODE + "\" is not allowed to modify node \"" + OTHER + "\"");
        assertThat(api.adminClient().nodes().withName(OTHER).get()).isNull();
    }

    @Test
    void a_node_creates_a_mirror_pod_with_the_annotation_and_its_node_as_controller_owner() {
        Pod created = node.pods().inNamespace("default").resource(mirror("web1-" + NODE, true)).create();

        assertThat(created.getMetadata().getUid()).isNotBlank();
        assertThat(created.getMetadata().getAnnotations()).containsEntry(MIRROR, "0d38ec5a6fb9d0c43891499b067d2174");
        assertThat(created.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(registered.getMetadata().getUid()));
        assertThat(created.getSpec().getServiceAccountName()).isNull();
        // the node may also delete its mirror, as the kubelet does for an outdated one
        assertThat(node.pods().inNamespace("default").withName("web1-" + NODE).delete()).isNotEmpty();
    }

    @Test
    void a_node_cannot_create_a_mirror_pod_without_an_owner_reference_to_its_node() {
        Pod noOwner = mirror("noowner-" + NODE, true);
        noOwner.getMetadata().setOwnerReferences(null);
        assertForbidden(() -> node.pods().inNamespace("default").resource(noOwner).create(),
                "can only create pods with an owner reference set to itself");

        Pod notController = mirror("notcontroller-" + NODE, true);
        notController.getMetadata().getOwnerReferences().get(0).setController(false);
        assertForbidden(() -> node.pods().inNamespace("default").resource(notController).create(),
                "controller owner reference");
    }

    @Test
    void a_node_is_refused_a_pod_that_is_not_a_mirror() {
        assertForbidden(() -> node.pods().inNamespace("default").resource(mirror("plain-" + NODE, false)).create(),
                "can only create mirror pods");
    }

    @Test
    void a_node_cannot_create_a_mirror_pod_bound_to_another_node() {
        Pod elsewhere = mirror("elsewhere-" + NODE, true);
        elsewhere.getSpec().setNodeName(OTHER);
        assertForbidden(() -> node.pods().inNamespace("default").resource(elsewhere).create(),
                "can only create pods with spec.nodeName set to itself");
    }

    private static void assertForbidden(Runnable call, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).as("HTTP status of: %s", e.getMessage()).isEqualTo(403);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    private static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("kubernetes.io/hostname", name, "kubernetes.io/os", "linux"))
                .endMetadata().build();
    }

    /** A pod as the agent publishes it; {@code asMirror=false} leaves out the mirror annotation. */
    private static Pod mirror(String name, boolean asMirror) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(name).withNamespace("default")
                .addToAnnotations("kubernetes.io/config.hash", "0d38ec5a6fb9d0c43891499b067d2174")
                .addToAnnotations("kubernetes.io/config.source", "file")
                .addNewOwnerReference().withApiVersion("v1").withKind("Node").withName(NODE)
                .withUid(registered.getMetadata().getUid()).withController(true).endOwnerReference()
                .endMetadata()
                .withNewSpec().withNodeName(NODE)
                .addNewContainer().withName("app").withImage("static-pod-agent.local/busybox:1.35")
                .withCommand("sleep", "3600").endContainer()
                .addNewToleration().withOperator("Exists").withEffect("NoExecute").endToleration()
                .endSpec();
        if (asMirror) {
            b.editMetadata().addToAnnotations(MIRROR, "0d38ec5a6fb9d0c43891499b067d2174").endMetadata();
        }
        return b.build();
    }
}
