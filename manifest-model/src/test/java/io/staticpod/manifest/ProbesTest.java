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
                      preStop: {tcpSocket: {port: 80}}
                    terminationMessagePolicy: FallbackToLogsOnError
                """)).containsExactly(
                "10: spec.containers[0].lifecycle.preStop.tcpSocket: a tcpSocket hook is not run: it fails, as the"
                        + " kubelet's (use exec or httpGet)");
    }

    @Test
    void hooksAreBoundAsProbeHandlersAndSleep() {
        var lifecycle = parsed(MINIMAL + """
                    ports: [{name: http, containerPort: 8080}]
                    lifecycle:
                      postStart: {httpGet: {path: /started, port: http}}
                      preStop: {exec: {command: [sh, -c, "sleep 5"]}}
                """).pod().spec().containers().get(0).lifecycle();
        var sleeping = parsed(MINIMAL + """
                    lifecycle:
                      preStop: {sleep: {seconds: 7}}
                """).pod().spec().containers().get(0).lifecycle();

        assertThat(lifecycle.postStart()).isEqualTo(new Probe.HttpGet("HTTP", null, "http", "/started",
                java.util.List.of()));
        assertThat(lifecycle.preStop()).isEqualTo(new Probe.Exec(java.util.List.of("sh", "-c", "sleep 5")));
        assertThat(sleeping.postStart()).isNull();
        assertThat(sleeping.preStop()).isEqualTo(new Probe.Sleep(7));
        assertThat(TestManifests.warningLines(MINIMAL + """
                    lifecycle:
                      preStop: {sleep: {seconds: 7}}
                """)).isEmpty();
    }

    @Test
    void aHookNeedsExactlyOneHandlerAndInitContainersHaveNone() {
        assertThat(errorLines(MINIMAL + """
                    lifecycle:
                      postStart: {exec: {command: ["true"]}, httpGet: {port: 80}}
                      preStop: {exec: {}}
                """)).containsExactly(
                "10: spec.containers[0].lifecycle.postStart: must specify exactly one handler of exec, httpGet,"
                        + " tcpSocket (found exec, httpGet)",
                "11: spec.containers[0].lifecycle.preStop.exec.command: required");
        assertThat(errorLines(MINIMAL + """
                    lifecycle:
                      preStop: {httpGet: {port: web}}
                """)).containsExactly("10: spec.containers[0].lifecycle.preStop.httpGet.port: no container port named"
                + " \"web\"");
        assertThat(errorLines(MINIMAL + """
                    lifecycle:
                      preStop: {sleep: {seconds: -1}}
                """)).containsExactly("10: spec.containers[0].lifecycle.preStop.sleep.seconds: must be greater than or"
                + " equal to 0");
        assertThat(errorLines(MINIMAL + """
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    lifecycle:
                      postStart: {exec: {command: ["true"]}}
                """)).containsExactly("12: spec.initContainers[0].lifecycle: must not be set for init containers");
    }
}
