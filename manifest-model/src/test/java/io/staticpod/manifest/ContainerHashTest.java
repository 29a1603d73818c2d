package io.staticpod.manifest;

import io.staticpod.manifest.model.Container;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container hash covers every field of a container that the agent acts on, so that a manifest which pins
 * {@code metadata.uid} (and so keeps its pod UID across edits) still gets a changed container replaced. One case per
 * field group; each changes one value and nothing else.
 */
class ContainerHashTest {

    private static final String IMAGE = "    image: busybox:1.36\n";
    private static final String PORTS = "    ports: [{name: http, containerPort: 8080}]\n";

    /**
     * A pod with a pinned UID, one container {@code app} (with {@link #IMAGE} and {@link #PORTS} unless
     * {@code containerLines} give their own, plus {@code containerLines}), and {@code specLines}.
     */
    static String manifest(String containerLines, String specLines) {
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  uid: pinned-uid-1
                spec:
                  containers:
                  - name: app
                %s%s%s%s""".formatted(containerLines.contains("    image: ") ? "" : IMAGE,
                containerLines.contains("    ports: ") ? "" : PORTS, containerLines, specLines);
    }

    static StaticPod pod(String containerLines, String specLines) {
        return parsed(manifest(containerLines, specLines));
    }

    static String hash(String containerLines, String specLines) {
        Container app = pod(containerLines, specLines).pod().spec().containers().stream()
                .filter(c -> c.name().equals("app")).findFirst().orElseThrow();
        return PodIdentity.containerHash(app);
    }

    @Test
    void aPinnedUidManifestWhoseMemoryLimitChangesKeepsItsUidAndGetsANewContainerHash() {
        StaticPod before = pod("    resources: {limits: {memory: 64Mi}}\n", "");
        StaticPod after = pod("    resources: {limits: {memory: 128Mi}}\n", "");

        assertThat(after.uid()).isEqualTo(before.uid()).isEqualTo("pinned-uid-1");
        assertThat(PodIdentity.containerHash(after.pod().spec().containers().get(0)))
                .isNotEqualTo(PodIdentity.containerHash(before.pod().spec().containers().get(0)));
    }

    /** {@code group, before, after}: container lines (indented for a field of the container). */
    static Stream<String[]> containerChanges() {
        return Stream.of(
                new String[] {"image", IMAGE, "    image: busybox:1.37\n"},
                new String[] {"imagePullPolicy", "", "    imagePullPolicy: Never\n"},
                new String[] {"command", "    command: [sh]\n", "    command: [bash]\n"},
                new String[] {"args", "    args: [a]\n", "    args: [b]\n"},
                new String[] {"workingDir", "", "    workingDir: /srv\n"},
                new String[] {"env value", "    env: [{name: A, value: x}]\n", "    env: [{name: A, value: y}]\n"},
                new String[] {"env fieldRef", "    env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n",
                        "    env: [{name: A, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}]\n"},
                new String[] {"env resourceFieldRef resource",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]\n",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.memory}}}]\n"},
                new String[] {"env resourceFieldRef divisor",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}]\n",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Gi}}}]\n"},
                new String[] {"env resourceFieldRef containerName",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]\n",
                        "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.cpu, containerName: side}}}]\n"
                                + "  - {name: side, image: busybox:1.36}\n"},
                new String[] {"ports", PORTS, "    ports: [{name: http, containerPort: 8081}]\n"},
                new String[] {"hostPort", PORTS, "    ports: [{name: http, containerPort: 8080, hostPort: 80}]\n"},
                new String[] {"volumeMounts subPath", "    volumeMounts: [{name: v, mountPath: /v}]\n",
                        "    volumeMounts: [{name: v, mountPath: /v, subPath: x}]\n"},
                new String[] {"volumeMounts readOnly", "    volumeMounts: [{name: v, mountPath: /v}]\n",
                        "    volumeMounts: [{name: v, mountPath: /v, readOnly: true}]\n"},
                new String[] {"cpu request", "    resources: {requests: {cpu: 100m}}\n", "    resources: {requests: {cpu: 200m}}\n"},
                new String[] {"cpu limit", "", "    resources: {limits: {cpu: \"1\"}}\n"},
                new String[] {"memory request", "    resources: {requests: {memory: 1Gi}}\n",
                        "    resources: {requests: {memory: 2Gi}}\n"},
                new String[] {"runAsUser", "", "    securityContext: {runAsUser: 1000}\n"},
                new String[] {"runAsGroup", "", "    securityContext: {runAsGroup: 1000}\n"},
                new String[] {"runAsNonRoot", "    securityContext: {runAsUser: 1000}\n",
                        "    securityContext: {runAsUser: 1000, runAsNonRoot: true}\n"},
                new String[] {"privileged", "", "    securityContext: {privileged: true}\n"},
                new String[] {"capabilities add", "", "    securityContext: {capabilities: {add: [NET_ADMIN]}}\n"},
                new String[] {"capabilities drop", "", "    securityContext: {capabilities: {drop: [ALL]}}\n"},
                new String[] {"readOnlyRootFilesystem", "", "    securityContext: {readOnlyRootFilesystem: true}\n"},
                new String[] {"allowPrivilegeEscalation", "", "    securityContext: {allowPrivilegeEscalation: false}\n"},
                new String[] {"seccompProfile type", "", "    securityContext: {seccompProfile: {type: RuntimeDefault}}\n"},
                new String[] {"seccompProfile localhostProfile",
                        "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: a.json}}\n",
                        "    securityContext: {seccompProfile: {type: Localhost, localhostProfile: b.json}}\n"},
                new String[] {"livenessProbe period", "    livenessProbe: {tcpSocket: {port: 8080}}\n",
                        "    livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 5}\n"},
                new String[] {"livenessProbe named port", "    livenessProbe: {tcpSocket: {port: 8080}}\n",
                        "    livenessProbe: {tcpSocket: {port: http}}\n"},
                new String[] {"readinessProbe httpGet", "    readinessProbe: {httpGet: {port: http, path: /a}}\n",
                        "    readinessProbe: {httpGet: {port: http, path: /b}}\n"},
                new String[] {"readinessProbe scheme", "    readinessProbe: {httpGet: {port: http}}\n",
                        "    readinessProbe: {httpGet: {port: http, scheme: HTTPS}}\n"},
                new String[] {"readinessProbe headers", "    readinessProbe: {httpGet: {port: http}}\n",
                        "    readinessProbe: {httpGet: {port: http, httpHeaders: [{name: X, value: y}]}}\n"},
                new String[] {"startupProbe thresholds", "    startupProbe: {exec: {command: [\"true\"]}}\n",
                        "    startupProbe: {exec: {command: [\"true\"]}, failureThreshold: 30}\n"},
                new String[] {"startupProbe timeout", "    startupProbe: {exec: {command: [\"true\"]}}\n",
                        "    startupProbe: {exec: {command: [\"true\"]}, timeoutSeconds: 5}\n"},
                new String[] {"probe initialDelaySeconds", "    livenessProbe: {exec: {command: [\"true\"]}}\n",
                        "    livenessProbe: {exec: {command: [\"true\"]}, initialDelaySeconds: 15}\n"},
                new String[] {"terminationMessagePath", "", "    terminationMessagePath: /tmp/done\n"},
                new String[] {"terminationMessagePolicy", "", "    terminationMessagePolicy: FallbackToLogsOnError\n"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containerChanges")
    void eachFieldGroupTheAgentActsOnChangesTheContainerHash(String group, String before, String after) {
        String volume = "  volumes: [{name: v, emptyDir: {}}]\n";
        String specBefore = before.contains("volumeMounts") ? volume : "";
        String specAfter = after.contains("volumeMounts") ? volume : "";
        assertThat(hash(after, specAfter)).as(group).isNotEqualTo(hash(before, specBefore));
    }

    /** {@code group, before, after}: lines of the pod's spec whose settings every container inherits. */
    static Stream<String[]> inheritedChanges() {
        return Stream.of(
                new String[] {"pod runAsUser", "", "  securityContext: {runAsUser: 1000}\n"},
                new String[] {"pod runAsGroup", "", "  securityContext: {runAsGroup: 1000}\n"},
                new String[] {"pod runAsNonRoot", "  securityContext: {runAsUser: 1000}\n",
                        "  securityContext: {runAsUser: 1000, runAsNonRoot: true}\n"},
                new String[] {"pod seccompProfile", "", "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n"},
                new String[] {"pod supplementalGroups", "", "  securityContext: {supplementalGroups: [5]}\n"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inheritedChanges")
    void podSecuritySettingsThatAContainerInheritsChangeItsHash(String group, String before, String after) {
        assertThat(hash("", after)).as(group).isNotEqualTo(hash("", before));
    }

    @Test
    void aContainerThatSetsItsOwnValueIgnoresThePodsValue() {
        String own = "    securityContext: {runAsUser: 1000}\n";
        assertThat(hash(own, "  securityContext: {runAsUser: 2000}\n"))
                .isEqualTo(hash(own, "  securityContext: {runAsUser: 3000}\n"));
    }

    @Test
    void equalQuantitiesWrittenDifferentlyHashAlike() {
        assertThat(hash("    resources: {limits: {memory: 1Gi, cpu: 500m}}\n", ""))
                .isEqualTo(hash("    resources: {limits: {memory: 1024Mi, cpu: 0.5}}\n", ""));
    }

    @Test
    void writingOutTheDefaultsDoesNotChangeTheContainerHash() {
        assertThat(hash("""
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                    imagePullPolicy: IfNotPresent
                    securityContext: {allowPrivilegeEscalation: true, privileged: false}
                    livenessProbe: {exec: {command: ["true"]}, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3}
                    resources: {limits: {memory: 64Mi}, requests: {memory: 64Mi}}
                """, "")).isEqualTo(hash("""
                    livenessProbe: {exec: {command: ["true"]}}
                    resources: {limits: {memory: 64Mi}}
                """, ""));
    }

    @Test
    void fieldsOfOtherContainersAndOfThePodsMetadataDoNotChangeTheContainerHash() {
        String base = hash("", "");
        assertThat(hash("  - {name: other, image: busybox:1.36}\n", "")).isEqualTo(base);
        assertThat(parsed(manifest("", "").replace("  uid: pinned-uid-1", "  uid: pinned-uid-1\n  labels: {a: b}"))
                .pod().spec().containers().get(0)).satisfies(c ->
                assertThat(PodIdentity.containerHash(c)).isEqualTo(base));
    }
}
