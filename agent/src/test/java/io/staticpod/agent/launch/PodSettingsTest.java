package io.staticpod.agent.pod;

import io.staticpod.manifest.StaticPod;
import io.staticpod.runtime.LaunchOptions;
import io.staticpod.runtime.LaunchSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodOptionsTest {

    @Test
    void mapsResourcesAsDockershimDid() {
        StaticPod pod = PodSyncTest.podWith("""
                    resources:
                      requests: {cpu: 250m, memory: 64Mi}
                      limits: {cpu: 500m, memory: 128Mi}
                """);

        LaunchOptions o = PodOptions.container(pod, pod.pod().spec().containers().get(0), "sandbox");

        assertThat(o.cpuShares()).isEqualTo(256);
        assertThat(o.cpuQuotaMicros()).isEqualTo(50_000);
        assertThat(o.cpuPeriodMicros()).isEqualTo(100_000);
        assertThat(o.memoryLimitBytes()).isEqualTo(128L << 20);
        assertThat(o.seccomp()).isEqualTo("unconfined");
    }

    @Test
    void aContainerWithoutRequestsGetsTheMinimumShares() {
        StaticPod pod = PodSyncTest.podWith("");

        assertThat(PodOptions.container(pod, pod.pod().spec().containers().get(0), "s").cpuShares()).isEqualTo(2);
    }

    @Test
    void mapsTheSecurityContextWithContainerSettingsOverTheePodsAndNamesOnTheNetworkOwner() {
        StaticPod pod = PodSyncTest.podWith("""
                    securityContext:
                      runAsUser: 1000
                      privileged: true
                      capabilities: {add: [NET_ADMIN], drop: [ALL]}
                      readOnlyRootFilesystem: true
                      allowPrivilegeEscalation: false
                      seccompProfile: {type: RuntimeDefault}
                  hostPID: true
                  hostNetwork: true
                  hostAliases: [{ip: 10.0.0.2, hostnames: [db, db.local]}]
                  dnsConfig: {nameservers: [10.0.0.53], options: [{name: ndots, value: "2"}]}
                  securityContext: {runAsUser: 0, runAsGroup: 2000, supplementalGroups: [5]}
                """);

        LaunchOptions o = PodOptions.container(pod, pod.pod().spec().containers().get(0), null);

        assertThat(o.user()).isEqualTo("1000:2000");
        assertThat(o.supplementalGroups()).containsExactly(5L);
        assertThat(o.privileged()).isTrue();
        assertThat(o.capAdd()).containsExactly("NET_ADMIN");
        assertThat(o.capDrop()).containsExactly("ALL");
        assertThat(o.readOnlyRootFilesystem()).isTrue();
        assertThat(o.noNewPrivileges()).isTrue();
        assertThat(o.seccomp()).isNull();
        assertThat(o.pid()).isEqualTo(LaunchSpec.Namespace.host());
        assertThat(o.extraHosts()).containsExactly("db:10.0.0.2", "db.local:10.0.0.2");
        assertThat(o.dnsServers()).containsExactly("10.0.0.53");
        assertThat(o.dnsOptions()).containsExactly("ndots:2");
    }

    @Test
    void runAsNonRootWithoutAUserIsRefusedSayingWhatToSet() {
        StaticPod pod = PodSyncTest.podWith("""
                    securityContext: {runAsNonRoot: true}
                """);

        assertThatThrownBy(() -> PodOptions.container(pod, pod.pod().spec().containers().get(0), "s"))
                .hasMessageContaining("set a non-zero runAsUser");
    }

    @Test
    void theSandboxCarriesNamesDnsAndSysctlsOfAPodWithItsOwnNetwork() {
        StaticPod pod = PodSyncTest.podWith("""
                  hostAliases: [{ip: 10.0.0.2, hostnames: [db]}]
                  securityContext: {sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]}
                """);

        LaunchOptions sandbox = PodOptions.sandbox(pod);
        LaunchOptions app = PodOptions.container(pod, pod.pod().spec().containers().get(0), "s");

        assertThat(sandbox.extraHosts()).containsExactly("db:10.0.0.2");
        assertThat(sandbox.sysctls()).isEqualTo(Map.of("net.ipv4.ip_unprivileged_port_start", "0"));
        assertThat(app.extraHosts()).isEqualTo(List.of());
        assertThat(app.sysctls()).isEmpty();
    }
}
