package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.Seccomp;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CriRequestsTest {
    static final SandboxConfig POD = new SandboxConfig(new SandboxMetadata("web-node1", "default", "uid-1", 2),
            "web", "/var/log/pods/default_web-node1_uid-1",
            new DnsConfig(List.of("10.0.0.10"), List.of("svc.cluster.local"), List.of("ndots:5")),
            List.of(new PortMapping(PortMapping.Protocol.UDP, 53, 5353, "127.0.0.1")),
            Map.of("io.kubernetes.pod.name", "web-node1"), Map.of("kubernetes.io/config.source", "file"),
            new NamespaceOptions(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.NODE),
            Map.of("net.ipv4.ip_unprivileged_port_start", "0"), true);

    @Test
    void aSandboxCarriesEveryPodSetting() {
        Cri.PodSandboxConfig c = CriRequests.sandbox(POD, POD.logDirectory());

        assertThat(c.getMetadata().getName()).isEqualTo("web-node1");
        assertThat(c.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(c.getMetadata().getUid()).isEqualTo("uid-1");
        assertThat(c.getMetadata().getAttempt()).isEqualTo(2);
        assertThat(c.getHostname()).isEqualTo("web");
        assertThat(c.getLogDirectory()).isEqualTo("/var/log/pods/default_web-node1_uid-1");
        assertThat(c.getDnsConfig().getServersList()).containsExactly("10.0.0.10");
        assertThat(c.getDnsConfig().getSearchesList()).containsExactly("svc.cluster.local");
        assertThat(c.getDnsConfig().getOptionsList()).containsExactly("ndots:5");
        assertThat(c.getPortMappingsList()).singleElement().satisfies(p -> {
            assertThat(p.getProtocol()).isEqualTo(Cri.Protocol.UDP);
            assertThat(p.getContainerPort()).isEqualTo(53);
            assertThat(p.getHostPort()).isEqualTo(5353);
            assertThat(p.getHostIp()).isEqualTo("127.0.0.1");
        });
        assertThat(c.getLabelsMap()).containsEntry("io.kubernetes.pod.name", "web-node1");
        assertThat(c.getAnnotationsMap()).containsEntry("kubernetes.io/config.source", "file");
        assertThat(c.getLinux().getSysctlsMap()).containsEntry("net.ipv4.ip_unprivileged_port_start", "0");
        Cri.NamespaceOption ns = c.getLinux().getSecurityContext().getNamespaceOptions();
        assertThat(ns.getNetwork()).isEqualTo(Cri.NamespaceMode.POD);
        assertThat(ns.getPid()).isEqualTo(Cri.NamespaceMode.POD);
        assertThat(ns.getIpc()).isEqualTo(Cri.NamespaceMode.NODE);
        assertThat(c.getLinux().getSecurityContext().getPrivileged()).isTrue();
    }

    @Test
    void aHostNetworkSandboxHasNoHostNameOfItsOwnAndTheNodesDnsWhenNoneIsGiven() {
        SandboxConfig host = new SandboxConfig(new SandboxMetadata("etcd-node1", "kube-system", "u", 0), "etcd",
                null, DnsConfig.NODE, null, null, null,
                new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.CONTAINER, NamespaceMode.POD), null, false);

        Cri.PodSandboxConfig c = CriRequests.sandbox(host, null);

        assertThat(c.getHostname()).isEmpty();
        assertThat(c.hasDnsConfig()).isFalse();
        assertThat(c.getLogDirectory()).isEmpty();
        assertThat(c.getLinux().getSecurityContext().getNamespaceOptions().getNetwork())
                .isEqualTo(Cri.NamespaceMode.NODE);
    }

    @Test
    void aContainerCarriesCommandEnvironmentMountsResourcesAndSecurity() {
        ContainerConfig config = ContainerConfig.builder("app", 3, "busybox:1.35")
                .command(List.of("sh", "-c")).args(List.of("echo hi")).workingDir("/work")
                .env(List.of(new EnvVar("A", "1"), new EnvVar("B", "two words")))
                .labels(Map.of("io.kubernetes.container.name", "app")).annotations(Map.of("x", "y"))
                .logPath("app/3.log")
                .resources(new Resources(512, 50_000, 0, 64L << 20, 0))
                .security(new ContainerSecurity(false, 1000L, 2000L, List.of(3000L), List.of("NET_ADMIN"),
                        List.of("ALL"), true, true, Seccomp.RUNTIME_DEFAULT, NamespaceMode.POD))
                .build();

        Cri.ContainerConfig c = CriRequests.container(config, POD,
                List.of(CriRequests.bind("/data", "/var/data", true)));

        assertThat(c.getMetadata().getName()).isEqualTo("app");
        assertThat(c.getMetadata().getAttempt()).isEqualTo(3);
        assertThat(c.getImage().getImage()).isEqualTo("busybox:1.35");
        assertThat(c.getCommandList()).containsExactly("sh", "-c");
        assertThat(c.getArgsList()).containsExactly("echo hi");
        assertThat(c.getWorkingDir()).isEqualTo("/work");
        assertThat(c.getEnvsList()).extracting(Cri.KeyValue::getKey, Cri.KeyValue::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("A", "1"),
                        org.assertj.core.groups.Tuple.tuple("B", "two words"));
        assertThat(c.getMountsList()).singleElement().satisfies(m -> {
            assertThat(m.getHostPath()).isEqualTo("/data");
            assertThat(m.getContainerPath()).isEqualTo("/var/data");
            assertThat(m.getReadonly()).isTrue();
        });
        assertThat(c.getLogPath()).isEqualTo("app/3.log");
        assertThat(c.getLabelsMap()).containsEntry("io.kubernetes.container.name", "app");
        assertThat(c.getAnnotationsMap()).containsEntry("x", "y");
        Cri.LinuxContainerResources r = c.getLinux().getResources();
        assertThat(r.getCpuShares()).isEqualTo(512);
        assertThat(r.getCpuQuota()).isEqualTo(50_000);
        assertThat(r.getCpuPeriod()).as("a quota without a period gets the kernel's").isEqualTo(100_000);
        assertThat(r.getMemoryLimitInBytes()).isEqualTo(64L << 20);
        assertThat(r.getOomScoreAdj()).isZero();
        Cri.LinuxContainerSecurityContext s = c.getLinux().getSecurityContext();
        assertThat(s.getRunAsUser().getValue()).isEqualTo(1000);
        assertThat(s.getRunAsGroup().getValue()).isEqualTo(2000);
        assertThat(s.getSupplementalGroupsList()).containsExactly(3000L);
        assertThat(s.getCapabilities().getAddCapabilitiesList()).containsExactly("NET_ADMIN");
        assertThat(s.getCapabilities().getDropCapabilitiesList()).containsExactly("ALL");
        assertThat(s.getReadonlyRootfs()).isTrue();
        assertThat(s.getNoNewPrivs()).isTrue();
        assertThat(s.getSeccomp().getProfileType()).isEqualTo(Cri.SecurityProfile.ProfileType.RuntimeDefault);
        assertThat(s.getNamespaceOptions().getPid()).isEqualTo(Cri.NamespaceMode.POD);
        assertThat(s.getNamespaceOptions().getIpc()).as("the sandbox's").isEqualTo(Cri.NamespaceMode.NODE);
    }

    @Test
    void defaultsLeaveTheImagesCommandAndUserAndAskForNoSeccompExplicitly() {
        Cri.ContainerConfig c = CriRequests.container(ContainerConfig.builder("app", 0, "busybox").build(), POD,
                List.of());

        assertThat(c.getCommandCount()).isZero();
        assertThat(c.getArgsCount()).isZero();
        assertThat(c.getWorkingDir()).isEmpty();
        Cri.LinuxContainerSecurityContext s = c.getLinux().getSecurityContext();
        assertThat(s.hasRunAsUser()).isFalse();
        assertThat(s.hasRunAsGroup()).isFalse();
        // the enum's zero value is RuntimeDefault: unconfined must be said
        assertThat(s.getSeccomp().getProfileType()).isEqualTo(Cri.SecurityProfile.ProfileType.Unconfined);
        assertThat(s.getNamespaceOptions().getPid()).isEqualTo(Cri.NamespaceMode.CONTAINER);
        assertThat(c.getLinux().getResources().getCpuPeriod()).isZero();
        assertThat(c.getLogPath()).as("the kubelet's layout").isEqualTo("app/0.log");
        assertThat(CriRequests.seccomp(Seccomp.localhost("/etc/seccomp/p.json")).getLocalhostRef())
                .isEqualTo("/etc/seccomp/p.json");
    }
}
