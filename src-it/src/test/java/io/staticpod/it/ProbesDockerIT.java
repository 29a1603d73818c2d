package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Probes against real containers: exec, httpGet to the pod IP, tcpSocket, and a liveness failure restarting. */
class ProbesDockerIT extends OneAgentOnDocker {
    @Override
    String nodePrefix() {
        return "probe";
    }

    @Test
    void aContainerFailingItsLivenessProbeIsRestartedAndHealthyProbesLeaveOthersAlone() throws Exception {
        write("sick.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: sick}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: app
                    image: IMAGE
                    command: ["sh", "-c", "touch /tmp/healthy; sleep 3; rm /tmp/healthy; trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done"]
                    livenessProbe:
                      exec: {command: [cat, /tmp/healthy]}
                      periodSeconds: 1
                      timeoutSeconds: 5
                      failureThreshold: 2
                """);
        write("healthy.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: healthy}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: web
                    image: IMAGE
                    command: ["sh", "-c", "mkdir -p /www; echo ok > /www/healthz; trap 'exit 0' TERM; httpd -f -p 8080 -h /www & wait $!"]
                    ports: [{name: http, containerPort: 8080}]
                    livenessProbe:
                      httpGet: {path: /healthz, port: http}
                      # httpd listens only a moment after its start (later on a busy machine): probed at once
                      # with failureThreshold 1, a refused connection would restart it
                      initialDelaySeconds: 2
                      periodSeconds: 1
                      failureThreshold: 1
                    readinessProbe:
                      tcpSocket: {port: 8080}
                      periodSeconds: 1
                """);

        await().atMost(Duration.ofSeconds(30)).until(() -> docker.running(node, "sick-" + node, "app").stream()
                .anyMatch(c -> c.restartCount() == 1));
        agent.awaitLog(Duration.ofSeconds(5), "Liveness probe failed; restarting container of static pod",
                "pod=default/sick-" + node, "command [cat, /tmp/healthy] exited with 1");
        agent.awaitLog(Duration.ofSeconds(10), "Readiness of static pod container changed",
                "pod=default/healthy-" + node, "ready=true");
        Seen web = docker.running(node, "healthy-" + node, "web").get(0);
        assertThat(web.restartCount()).isZero();
        assertThat(agent.log()).doesNotContain("probe failed; restarting container of static pod pod=default/healthy");
    }
}
