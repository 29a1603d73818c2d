package io.staticpod.manifest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox hash covers the pod-level settings the agent acts on, so that a manifest that pins its UID and
 * changes one of them gets a new sandbox (and new containers), as a changed UID would.
 */
class SandboxHashTest {

    private static String hash(String specLines) {
        return PodIdentity.sandboxHash(ContainerHashTest.pod("", specLines).pod());
    }

    static Stream<String[]> podChanges() {
        return Stream.of(
                new String[] {"hostNetwork", "", "  hostNetwork: true\n"},
                new String[] {"hostPID", "", "  hostPID: true\n"},
                new String[] {"hostIPC", "", "  hostIPC: true\n"},
                new String[] {"shareProcessNamespace", "", "  shareProcessNamespace: true\n"},
                new String[] {"dnsPolicy", "", "  dnsPolicy: Default\n"},
                new String[] {"dnsConfig nameservers", "", "  dnsConfig: {nameservers: [10.0.0.53]}\n"},
                new String[] {"dnsConfig searches", "", "  dnsConfig: {searches: [a.local]}\n"},
                new String[] {"dnsConfig options", "", "  dnsConfig: {options: [{name: ndots, value: \"2\"}]}\n"},
                new String[] {"hostAliases", "", "  hostAliases: [{ip: 10.0.0.2, hostnames: [db]}]\n"},
                new String[] {"hostname", "", "  hostname: other\n"},
                new String[] {"subdomain", "", "  subdomain: sub\n"},
                new String[] {"sysctls", "", "  securityContext: {sysctls: [{name: net.core.somaxconn, value: \"1024\"}]}\n"},
                new String[] {"pod runAsUser", "", "  securityContext: {runAsUser: 1000}\n"},
                new String[] {"pod seccompProfile", "", "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n"},
                new String[] {"hostPath", "  volumes: [{name: v, hostPath: {path: /a}}]\n",
                        "  volumes: [{name: v, hostPath: {path: /b}}]\n"},
                new String[] {"hostPath type", "  volumes: [{name: v, hostPath: {path: /a}}]\n",
                        "  volumes: [{name: v, hostPath: {path: /a, type: Directory}}]\n"},
                new String[] {"emptyDir medium", "  volumes: [{name: v, emptyDir: {}}]\n",
                        "  volumes: [{name: v, emptyDir: {medium: Memory}}]\n"},
                new String[] {"emptyDir sizeLimit", "  volumes: [{name: v, emptyDir: {sizeLimit: 1Gi}}]\n",
                        "  volumes: [{name: v, emptyDir: {sizeLimit: 2Gi}}]\n"},
                new String[] {"downwardAPI item", "  volumes: [{name: v, downwardAPI: {items: [{path: a, fieldRef: {fieldPath: metadata.name}}]}}]\n",
                        "  volumes: [{name: v, downwardAPI: {items: [{path: a, fieldRef: {fieldPath: metadata.uid}}]}}]\n"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("podChanges")
    void eachPodLevelSettingChangesTheSandboxHash(String group, String before, String after) {
        assertThat(hash(after)).as(group).isNotEqualTo(hash(before));
    }

    @Test
    void aHostPortPublishedOnTheNodeChangesTheSandboxHash() {
        String before = PodIdentity.sandboxHash(ContainerHashTest.pod("", "").pod());
        String after = PodIdentity.sandboxHash(ContainerHashTest.pod(
                "    ports: [{name: http, containerPort: 8080, hostPort: 8080}]\n", "").pod());
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void containerSettingsAndDefaultsWrittenOutDoNotChangeIt() {
        String base = hash("");
        assertThat(PodIdentity.sandboxHash(ContainerHashTest.pod("    command: [sh]\n", "").pod())).isEqualTo(base);
        assertThat(hash("  dnsPolicy: ClusterFirst\n  hostNetwork: false\n")).isEqualTo(base);
        assertThat(hash("  restartPolicy: Never\n  terminationGracePeriodSeconds: 5\n")).isEqualTo(base);
    }
}
