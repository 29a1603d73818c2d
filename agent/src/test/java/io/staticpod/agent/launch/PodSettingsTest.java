package io.staticpod.agent.launch;

import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.Seccomp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodSettingsTest {

    @Test
    void mapsResourcesAsTheKubeletDoes() {
        StaticPod pod = TestPods.podWith("""
                    resources:
                      requests: {cpu: 250m, memory: 64Mi}
                      limits: {cpu: 500m, memory: 128Mi}
                """);

        Resources r = PodSettings.resources(pod, pod.pod().spec().containers().get(0));

        assertThat(r).isEqualTo(new Resources(256, 50_000, 100_000, 128L << 20, 0));
    }

    @Test
    void aContainerWithoutRequestsGetsTheMinimumSharesAndNoNegativeOomScore() {
        StaticPod pod = TestPods.podWith("");

        assertThat(PodSettings.resources(pod, pod.pod().spec().containers().get(0)))
                .isEqualTo(new Resources(2, 0, 0, 0, 0));
    }

    @Test
    void mapsTheSecurityContextWithContainerSettingsOverThePods() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    securityContext:
                      runAsUser: 1000
                      privileged: true
                      capabilities: {add: [NET_ADMIN], drop: [ALL]}
                      readOnlyRootFilesystem: true
                      allowPrivilegeEscalation: false
                      seccompProfile: {type: RuntimeDefault}
                  hostPID: true
                  securityContext: {runAsUser: 0, runAsGroup: 2000, supplementalGroups: [5]}
                """);

        ContainerSecurity s = PodSettings.security(pod, pod.pod().spec().containers().get(0));

        assertThat(s).isEqualTo(new ContainerSecurity(true, 1000L, 2000L, List.of(5L), List.of("NET_ADMIN"),
                List.of("ALL"), true, true, Seccomp.RUNTIME_DEFAULT, NamespaceMode.NODE));
        assertThat(PodSettings.privileged(pod)).isTrue();
    }

    @Test
    void withoutASeccompProfileContainersRunUnconfinedAsWithThe120Kubelet() throws Exception {
        StaticPod pod = TestPods.podWith("");

        assertThat(PodSettings.security(pod, pod.pod().spec().containers().get(0))).isEqualTo(ContainerSecurity.DEFAULT);
    }

    @Test
    void runAsNonRootWithoutAUserIsRefusedSayingWhatToSet() {
        StaticPod pod = TestPods.podWith("""
                    securityContext: {runAsNonRoot: true}
                """);

        assertThatThrownBy(() -> PodSettings.security(pod, pod.pod().spec().containers().get(0)))
                .isInstanceOf(LaunchException.class).hasMessageContaining("set a non-zero runAsUser");
    }

    @Test
    void namespacesFollowHostNetworkHostPidShareProcessNamespaceAndHostIpc() {
        assertThat(PodSettings.namespaces(TestPods.podWith(""))).isEqualTo(NamespaceOptions.POD);
        assertThat(PodSettings.namespaces(TestPods.podWith("""
                  hostNetwork: true
                  hostPID: true
                  hostIPC: true
                """))).isEqualTo(new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.NODE, NamespaceMode.NODE));
        assertThat(PodSettings.namespaces(TestPods.podWith("""
                  shareProcessNamespace: true
                """)).pid()).isEqualTo(NamespaceMode.POD);
    }

    @Test
    void theSandboxCarriesDnsSysctlsAndHostPorts() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 53, hostPort: 5353, protocol: UDP},
                            {containerPort: 9090}]
                  dnsConfig: {nameservers: [10.0.0.53], searches: [svc.local], options: [{name: ndots, value: "2"}]}
                  securityContext: {sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]}
                """);

        assertThat(PodSettings.dns(pod).servers()).containsExactly("10.0.0.53");
        assertThat(PodSettings.dns(pod).searches()).containsExactly("svc.local");
        assertThat(PodSettings.dns(pod).options()).containsExactly("ndots:2");
        assertThat(PodSettings.sysctls(pod)).isEqualTo(Map.of("net.ipv4.ip_unprivileged_port_start", "0"));
        assertThat(PodSettings.portMappings(pod)).containsExactly(
                new PortMapping(PortMapping.Protocol.TCP, 80, 8080, null),
                new PortMapping(PortMapping.Protocol.UDP, 53, 5353, null));
    }

    @Test
    void aNetworkSysctlOnTheNodesNetworkIsRefused() {
        StaticPod pod = TestPods.podWith("""
                  hostNetwork: true
                  securityContext: {sysctls: [{name: net.ipv4.ip_forward, value: "1"}]}
                """);

        assertThatThrownBy(() -> PodSettings.sysctls(pod)).isInstanceOf(LaunchException.class)
                .hasMessageContaining("not allowed with hostNetwork");
    }

    @Test
    void aCpuLimitWithoutARequestIsRequestedAtItsLimit() {
        StaticPod pod = TestPods.podWith("""
                    resources:
                      limits: {cpu: "1.5", memory: 1Gi}
                """);

        assertThat(PodSettings.resources(pod, pod.pod().spec().containers().get(0)))
                .isEqualTo(new Resources(1536, 150_000, 100_000, 1L << 30, 0));
    }

    @Test
    void aContainerRunsAsThePodsUserWithThePodsSeccompProfileWhereItSetsNone() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    securityContext: {capabilities: {add: [SYS_TIME]}}
                  securityContext:
                    runAsUser: 1000
                    runAsNonRoot: true
                    seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}
                """);
        var c = pod.pod().spec().containers().get(0);

        ContainerSecurity s = PodSettings.security(pod, c);

        assertThat(s).isEqualTo(new ContainerSecurity(false, 1000L, null, List.of(), List.of("SYS_TIME"), List.of(),
                false, false, Seccomp.localhost("/var/lib/kubelet/seccomp/profiles/audit.json"),
                NamespaceMode.CONTAINER));
        assertThat(PodSettings.runAsNonRoot(c)).isTrue();
        assertThat(PodSettings.privileged(pod)).isFalse();
    }

    @Test
    void aContainerSettingRunAsNonRootToFalseOverridesThePods() {
        StaticPod pod = TestPods.podWith("""
                    securityContext: {runAsNonRoot: false}
                  securityContext: {runAsNonRoot: true}
                """);

        assertThat(PodSettings.runAsNonRoot(pod.pod().spec().containers().get(0))).isFalse();
    }

    @Test
    void aPrivilegedInitContainerMakesTheSandboxPrivileged() {
        StaticPod pod = TestPods.pod("init", """
                  initContainers:
                  - name: setup
                    image: busybox:test
                    securityContext: {privileged: true}
                """);

        assertThat(PodSettings.privileged(pod)).isTrue();
    }

    @Test
    void dnsOptionsWithoutAValueAndHostAliasesKeepTheirOrder() {
        StaticPod pod = TestPods.podWith("""
                  dnsConfig: {options: [{name: rotate}, {name: ndots, value: "3"}]}
                  hostAliases:
                  - {ip: 10.0.0.2, hostnames: [b, c]}
                  - {ip: 10.0.0.1, hostnames: [a]}
                """);

        assertThat(PodSettings.dns(pod).options()).containsExactly("rotate", "ndots:3");
        assertThat(PodSettings.dns(pod).servers()).isEmpty();
        assertThat(PodSettings.hostAliases(pod)).containsExactly(Map.entry("10.0.0.2", List.of("b", "c")),
                Map.entry("10.0.0.1", List.of("a")));
    }
}
