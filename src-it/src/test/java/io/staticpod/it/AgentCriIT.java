package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent's jar on {@code --runtime cri}, on the tests' containerd with its CRI plugin and CNI: the behaviour tests
 * (edit, removal, crash restarts, kill -9 and adoption by the kubelet's CRI labels …), and what only CRI gives: a pod
 * address from CNI, host ports, the kubelet's log layout and its rotation, the check of the runtime's sandbox image.
 * Traffic goes only to 127.0.0.1 and to the pods these tests started.
 */
class AgentCriIT extends AgentBehaviourTests {
    private final CriObserver cri = new CriObserver();

    @Override
    RuntimeObserver observer() {
        return new CriObserver();
    }

    @Test
    void aTwoContainerPodServesHttpOnItsPodAddressAndTheRuntimesSandboxImageIsChecked() throws Exception {
        startAgent();
        write("web.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  terminationGracePeriodSeconds: 5
                  volumes:
                  - name: www
                    emptyDir: {}
                  containers:
                  - name: web
                    image: %1$s
                    command: ["httpd", "-f", "-p", "8080", "-h", "/www"]
                    volumeMounts: [{name: www, mountPath: /www}]
                  - name: writer
                    image: %1$s
                    command: ["sh", "-c", "echo \\"written by $(hostname)\\" > /www/index.html; %2$s"]
                    volumeMounts: [{name: www, mountPath: /www}]
                """.formatted(ItEnvironment.BUSYBOX, SLEEPER));
        awaitRunning("web", "web");
        awaitRunning("web", "writer");

        String ip = cri.podIp(node, "web-" + node).orElseThrow();
        assertThat(ip).as("the pod's address from the CNI bridge").doesNotStartWith("127.");
        assertThat(get(URI.create("http://" + ip + ":8080/"))).isEqualTo("written by web-" + node + "\n");
        agent.awaitLog(Duration.ofSeconds(10), "Sandbox image of the container runtime is present",
                "image=" + ItEnvironment.PAUSE);
    }

    @Test
    void aHostPortIsReachedOnLoopback() throws Exception {
        int hostPort;
        try (ServerSocket free = new ServerSocket(0)) {
            hostPort = free.getLocalPort();
        }
        startAgent();
        write("hostport.yaml", pod("hostport", "mkdir -p /www && echo via-host-port > /www/index.html && exec httpd -f "
                + "-p 8080 -h /www").replace("    command:", "    ports: [{containerPort: 8080, hostPort: " + hostPort
                + "}]\n    command:"));
        awaitRunning("hostport", "app");

        assertThat(get(URI.create("http://127.0.0.1:" + hostPort + "/"))).isEqualTo("via-host-port\n");
    }

    @Test
    void aCrashLeavesTheFirstInstancesLogNextToTheSecondsInTheKubeletsLayout() throws Exception {
        startAgent();
        write("crash.yaml", pod("crashonce", "if [ -e /state/crashed ]; then echo second; " + SLEEPER
                        + "; else touch /state/crashed; echo first; exit 1; fi",
                "volumes:", "- name: state", "  emptyDir: {}")
                .replace("    command:", "    volumeMounts: [{name: state, mountPath: /state}]\n    command:"));

        Seen app = awaitRunning("crashonce", "app");
        await().atMost(Duration.ofSeconds(30)).until(() -> cri.running(node, "crashonce-" + node, "app").stream()
                .anyMatch(c -> c.restartCount() == 1));
        String uid = app.label("io.kubernetes.pod.uid");
        Path dir = CriObserver.podLogDir("crashonce-" + node, uid).resolve("app");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(dir.resolve("1.log"))
                && Files.readString(dir.resolve("1.log")).contains(" stdout F second"));
        assertThat(Files.readString(dir.resolve("0.log"))).as("the previous instance's log, in the CRI format")
                .matches("(?s)\\d{4}-\\d\\d-\\d\\dT[^ ]+ stdout F first\n");
    }

    @Test
    void aLogLargerThanContainerLogMaxSizeIsRotatedKeepingContainerLogMaxFiles() throws Exception {
        Path config = tmp.resolve("kubelet.yaml");
        Files.writeString(config, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                containerLogMaxSize: 1Ki
                containerLogMaxFiles: 2
                """);
        agent = AgentProcess.start(manifests, node, root, Stream.concat(cri.agentArgs().stream(),
                Stream.of("--config", config.toString())).toArray(String[]::new));
        write("chatty.yaml", pod("chatty", "while true; do echo " + "x".repeat(200) + "; sleep 0.1; done"));
        Seen app = awaitRunning("chatty", "app");
        Path dir = CriObserver.podLogDir("chatty-" + node, app.label("io.kubernetes.pod.uid")).resolve("app");

        // rotated twice: the first rotated file was deleted, one stays next to the live one
        agent.awaitLog(Duration.ofSeconds(40), "Rotated container log", "pod=default/chatty-" + node);
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.lines().stream()
                .filter(l -> l.contains("Rotated container log") && l.contains("chatty-" + node)).count() >= 2);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(2).first().isEqualTo("0.log");
            assertThat(names.get(1)).startsWith("0.log.");
        }
        // the runtime writes on into the reopened file
        long size = Files.size(dir.resolve("0.log"));
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.size(dir.resolve("0.log")) != size);
    }

    static String get(URI uri) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString()).body(), b -> !b.isEmpty());
    }
}
