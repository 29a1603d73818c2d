package io.staticpod.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.staticpod.it.apiserver.ApiServerFixture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * An agent with its node API on, registered as a node of the test kube-apiserver ({@link ApiServerFixture}): a node
 * name and a namespace of its own, a client CA that is the API server's, and kubectl as the cluster's admin. What the
 * agent's pods left in the runtime is the test's to remove, after {@link #close}.
 */
final class NodeApiFixture implements AutoCloseable {
    final ApiServerFixture api;
    final KubernetesClient admin;
    final String node;
    final String ns;
    private final String prefix;
    private final List<AgentProcess> agents = new CopyOnWriteArrayList<>();
    /** The directory of {@link #start}'s files, for a test's own too. */
    Path tmp;
    /** The agent's root directory, with its self-signed serving certificate under {@code pki/}. */
    Path root;
    /** The agent's node API port on 127.0.0.1. */
    int port;

    /** Names only: nothing is made until {@link #start}. */
    NodeApiFixture(ApiServerFixture api, String nodePrefix) {
        this.api = api;
        this.admin = api.adminClient();
        this.prefix = nodePrefix;
        this.node = nodePrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.ns = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Creates the namespace, writes the manifests (file name to YAML, in the namespace {@link #ns}) and starts the
     * agent with {@code runtimeFlags} on a free node API port; returns once the node API serves and the pod
     * {@code web} of the manifests runs.
     */
    void start(Map<String, String> manifests, String... runtimeFlags) throws IOException {
        tmp = Files.createTempDirectory("spa-" + prefix + "-it-");
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        Path dir = Files.createDirectories(tmp.resolve("manifests"));
        for (Map.Entry<String, String> m : manifests.entrySet()) {
            Files.writeString(dir.resolve(m.getKey()), m.getValue());
        }
        port = freePort();
        root = Files.createDirectories(tmp.resolve("root"));
        agent(node, dir, root, api.nodeKubeconfig(node), port, runtimeFlags);
        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(root.resolve("pki/kubelet.crt")));
        agents.get(0).awaitLog(Duration.ofSeconds(90), "Serving the node API");
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            var pod = admin.pods().inNamespace(ns).withName("web-" + node).get();
            return pod != null && "Running".equals(pod.getStatus().getPhase());
        });
    }

    /**
     * Starts an agent (the first one is {@link #start}'s) whose node API on 127.0.0.1:{@code nodeApiPort} trusts the
     * API server's client CA; it is stopped by {@link #close}.
     */
    AgentProcess agent(String name, Path manifests, Path rootDir, Path kubeconfig, int nodeApiPort,
                       String... runtimeFlags) throws IOException {
        List<String> flags = new ArrayList<>(List.of(runtimeFlags));
        flags.addAll(List.of("--kubeconfig", kubeconfig.toString(), "--healthz-port", "0",
                "--port", Integer.toString(nodeApiPort), "--address", "127.0.0.1", "--node-ip", "127.0.0.1",
                "--client-ca-file", api.caFile().toString()));
        AgentProcess agent = AgentProcess.start(manifests, name, rootDir, flags.toArray(String[]::new));
        agents.add(agent);
        return agent;
    }

    /** Whether {@link #start} got as far as starting the agent. */
    boolean started() {
        return !agents.isEmpty();
    }

    /** The agent of {@link #start}. */
    AgentProcess agent() {
        return agents.get(0);
    }

    /** kubectl as the cluster's admin, with no input; at most a minute. */
    Cmd kubectl(String... args) {
        return kubectlWithInput(null, args);
    }

    /** kubectl as the cluster's admin, with {@code stdin} (or nothing) as its input; at most a minute. */
    Cmd kubectlWithInput(String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ApiServerFixture.kubectl(), "--kubeconfig",
                api.adminKubeconfig().toString(), "--request-timeout=30s"));
        cmd.addAll(List.of(args));
        return Cmd.run(Duration.ofSeconds(60), cmd, stdin);
    }

    /**
     * A pod of the namespace {@link #ns}: one busybox container {@code app} running {@code sh -c command}, with a
     * grace period of 2 s.
     */
    String pod(String name, String command) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers: [{name: app, image: %s, command: ["sh", "-c", "%s"]}]
                """.formatted(name, ns, ItEnvironment.BUSYBOX, command);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Stops every agent started here; their containers keep running. */
    @Override
    public void close() throws InterruptedException {
        for (AgentProcess a : agents) {
            a.close();
        }
    }
}
