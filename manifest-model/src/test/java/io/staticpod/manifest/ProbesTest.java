package io.staticpod.manifest;

import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.Probes;
import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/** Probes: bound with the kubelet's defaults, validated as the API server does, and a bit more. */
class ProbesTest {

    @Test
    void probesAreBoundWithTheKubeletsDefaults() {
        Probes probes = parsed(MINIMAL + """
                    ports: [{name: http, containerPort: 8080}]
                    livenessProbe:
                      httpGet: {path: /livez, port: http, scheme: HTTPS, host: 127.0.0.1,
                                httpHeaders: [{name: X-A, value: b}]}
                      failureThreshold: 8
                      initialDelaySeconds: 10
                    readinessProbe:
                      tcpSocket: {port: 8080}
                    startupProbe:
                      exec: {command: [cat, /tmp/started]}
                """).pod().spec().containers().get(0).probes();

        assertThat(probes.liveness()).isEqualTo(new Probe(new Probe.HttpGet("HTTPS", "127.0.0.1", "http", "/livez",
                java.util.List.of(new Probe.Header("X-A", "b"))), 10, 10, 1, 1, 8));
        assertThat(probes.readiness()).isEqualTo(new Probe(new Probe.TcpSocket(null, "8080"), 0, 10, 1, 1, 3));
        assertThat(probes.startup().action()).isEqualTo(new Probe.Exec(java.util.List.of("cat", "/tmp/started")));
        assertThat(parsed(MINIMAL).pod().spec().containers().get(0).probes()).isEqualTo(Probes.NONE);
    }

    @Test
    void aProbeNeedsExactlyOneHandlerAndAPortThatExists() {
        assertThat(errorLines(MINIMAL + """
                    livenessProbe:
                      periodSeconds: 5
                    readinessProbe:
                      httpGet: {port: metrics}
                    startupProbe:
                      tcpSocket: {port: 70000}
                """)).containsExactly(
                "9: spec.containers[0].livenessProbe: must specify exactly one handler of exec, httpGet, tcpSocket",
                "12: spec.containers[0].readinessProbe.httpGet.port: no container port named \"metrics\"",
                "14: spec.containers[0].startupProbe.tcpSocket.port: must be between 1 and 65535, inclusive");
    }

    @Test
    void livenessMayNotAskForMoreThanOneSuccess() {
        assertThat(errorLines(MINIMAL + """
                    livenessProbe:
                      exec: {command: ["true"]}
                      successThreshold: 2
                """)).containsExactly("11: spec.containers[0].livenessProbe.successThreshold: must be 1 for livenessProbe");
    }

    @Test
    void fieldsTheAgentCannotHonourAreWarnedAboutWithTheirLine() {
        assertThat(TestManifests.warningLines(MINIMAL + """
                    lifecycle:
                      preStop: {exec: {command: [sleep, "5"]}}
                    terminationMessagePolicy: FallbackToLogsOnError
                """)).containsExactly(
                "10: spec.containers[0].lifecycle.preStop: not supported by this agent: the hook will not run",
                "11: spec.containers[0].terminationMessagePolicy: FallbackToLogsOnError is not supported by this agent:"
                        + " only the file at terminationMessagePath gives the termination message");
    }
}
