package io.staticpod.runtime.docker.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.docker.DockerEnv;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.Mount;
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

/** The create bodies, field by field, as dockershim shaped them. */
class CreateBodiesTest {

    private static final SandboxMetadata META = new SandboxMetadata("web-n1", "default", "u1", 0);
    private static final SandboxConfig POD = new SandboxConfig(META, "web", null,
            new DnsConfig(List.of("10.0.0.10"), List.of("svc.local"), List.of("ndots:5")),
            List.of(new PortMapping(PortMapping.Protocol.TCP, 80, 8080, "127.0.0.1"),
                    new PortMapping(PortMapping.Protocol.UDP, 53, 5353, null)),
            Map.of("pod", "web"), Map.of("note", "n"), null, Map.of("net.ipv4.ip_unprivileged_port_start", "0"),
            false);

    private static JsonNode json(Object node) {
        return ApiClient.JSON.valueToTree(node);
    }

    @Test
    void theSandboxOwnsNetworkPortsDnsHostnameSysctlsAndAShareableIpcWithoutARestartPolicy() {
        JsonNode body = json(CreateBodies.sandbox(POD, "pause:1"));

        assertThat(body.path("Image").asText()).isEqualTo("pause:1");
        assertThat(body.path("Hostname").asText()).isEqualTo("web");
        assertThat(body.path("Labels").path("io.kubernetes.docker.type").asText()).isEqualTo("podsandbox");
        assertThat(body.path("Labels").path("annotation.note").asText()).isEqualTo("n");
        JsonNode host = body.path("HostConfig");
        assertThat(host.path("NetworkMode").asText()).isEqualTo("default");
        assertThat(host.path("IpcMode").asText()).isEqualTo("shareable");
        assertThat(host.path("PortBindings").path("80/tcp").get(0).path("HostPort").asText()).isEqualTo("8080");
        assertThat(host.path("PortBindings").path("80/tcp").get(0).path("HostIp").asText()).isEqualTo("127.0.0.1");
        assertThat(host.path("PortBindings").path("53/udp").get(0).path("HostIp").asText()).isEmpty();
        assertThat(body.path("ExposedPorts").has("53/udp")).isTrue();
        assertThat(host.path("Dns").toString()).isEqualTo("[\"10.0.0.10\"]");
        assertThat(host.path("DnsSearch").toString()).isEqualTo("[\"svc.local\"]");
        assertThat(host.path("DnsOptions").toString()).isEqualTo("[\"ndots:5\"]");
        assertThat(host.path("Sysctls").path("net.ipv4.ip_unprivileged_port_start").asText()).isEqualTo("0");
        assertThat(host.path("RestartPolicy").path("Name").asText()).isEqualTo("no");
        assertThat(host.has("OomScoreAdj")).isFalse();
    }

    @Test
    void aSandboxOnTheNodesNetworkHasNoHostnameNoPortsAndTheNodesIpcAndPidWhenAsked() {
        SandboxConfig onNode = new SandboxConfig(META, "web", null, null,
                List.of(new PortMapping(PortMapping.Protocol.TCP, 80, 80, null)), null, null,
                new NamespaceOptions(NamespaceMode.NODE, NamespaceMode.NODE, NamespaceMode.NODE), null, false);

        JsonNode body = json(CreateBodies.sandbox(onNode, "pause:1"));

        assertThat(body.has("Hostname")).isFalse();
        assertThat(body.path("HostConfig").path("NetworkMode").asText()).isEqualTo("host");
        assertThat(body.path("HostConfig").has("PortBindings")).isFalse();
        assertThat(body.path("HostConfig").path("IpcMode").asText()).isEqualTo("host");
        assertThat(body.path("HostConfig").path("PidMode").asText()).isEqualTo("host");
        assertThat(body.path("HostConfig").has("Dns")).isFalse();
    }

    @Test
    void aContainerJoinsItsSandboxAndCarriesEverythingOfItsConfig() {
        ContainerConfig config = ContainerConfig.builder("app", 1, "busybox:1").command(List.of("sh", "-c", "x"))
                .args(List.of("a")).workingDir("/w").env(List.of(new EnvVar("A", "1"), new EnvVar("B", "2"),
                        new EnvVar("A", "3")))
                .mounts(List.of(Mount.bind("/h", "/c", true), Mount.tmpfs("/t", 1024), Mount.tmpfs("/u", 0)))
                .resources(new Resources(512, 50_000, 0, 1 << 26, -998))
                .security(new ContainerSecurity(false, 1000L, 2000L, List.of(5L), List.of("NET_ADMIN"),
                        List.of("ALL"), true, true, Seccomp.UNCONFINED, NamespaceMode.POD))
                .labels(Map.of("l", "v")).build();

        JsonNode body = json(CreateBodies.container("sb1", config, POD, DockerEnv.of(config)));

        assertThat(body.path("Entrypoint").toString()).isEqualTo("[\"sh\",\"-c\",\"x\"]");
        assertThat(body.path("Cmd").toString()).isEqualTo("[\"a\"]");
        assertThat(body.path("Env").toString()).isEqualTo("[\"A=3\",\"B=2\"]");
        assertThat(body.path("WorkingDir").asText()).isEqualTo("/w");
        assertThat(body.path("User").asText()).isEqualTo("1000:2000");
        assertThat(body.path("Labels").path("io.kubernetes.sandbox.id").asText()).isEqualTo("sb1");
        JsonNode host = body.path("HostConfig");
        assertThat(host.path("NetworkMode").asText()).isEqualTo("container:sb1");
        assertThat(host.path("IpcMode").asText()).isEqualTo("container:sb1");
        assertThat(host.path("PidMode").asText()).isEqualTo("container:sb1");
        assertThat(host.path("Binds").toString()).isEqualTo("[\"/h:/c:ro\"]");
        assertThat(host.path("Tmpfs").path("/t").asText()).isEqualTo("size=1024");
        assertThat(host.path("Tmpfs").path("/u").asText()).isEmpty();
        assertThat(host.path("CpuShares").asLong()).isEqualTo(512);
        assertThat(host.path("CpuQuota").asLong()).isEqualTo(50_000);
        assertThat(host.path("CpuPeriod").asLong()).isEqualTo(100_000);
        assertThat(host.path("Memory").asLong()).isEqualTo(1 << 26);
        assertThat(host.path("MemorySwap").asLong()).isEqualTo(1 << 26);
        assertThat(host.has("OomScoreAdj")).as("never a negative oom_score_adj").isFalse();
        assertThat(host.path("CapAdd").toString()).isEqualTo("[\"NET_ADMIN\"]");
        assertThat(host.path("CapDrop").toString()).isEqualTo("[\"ALL\"]");
        assertThat(host.path("ReadonlyRootfs").asBoolean()).isTrue();
        assertThat(host.path("GroupAdd").toString()).isEqualTo("[\"5\"]");
        assertThat(host.path("SecurityOpt").toString()).isEqualTo("[\"no-new-privileges\",\"seccomp=unconfined\"]");
        assertThat(host.path("RestartPolicy").path("Name").asText()).isEqualTo("no");
    }

    @Test
    void argsAloneKeepTheImagesEntrypointAndNothingKeepsBoth() {
        JsonNode argsOnly = json(CreateBodies.container("sb", ContainerConfig.builder("a", 0, "i")
                .args(List.of("x")).build(), POD, Map.of()));
        JsonNode neither = json(CreateBodies.container("sb", ContainerConfig.builder("a", 0, "i").build(), POD,
                Map.of()));

        assertThat(argsOnly.has("Entrypoint")).isFalse();
        assertThat(argsOnly.path("Cmd").toString()).isEqualTo("[\"x\"]");
        assertThat(neither.has("Entrypoint")).isFalse();
        assertThat(neither.has("Cmd")).isFalse();
    }

    @Test
    void aPodSharingItsPidNamespaceSharesItWithContainersThatSayNothingOfTheirOwn() {
        SandboxConfig shared = new SandboxConfig(META, null, null, null, null, null, null,
                new NamespaceOptions(NamespaceMode.POD, NamespaceMode.POD, NamespaceMode.POD), null, false);

        JsonNode body = json(CreateBodies.container("sb", ContainerConfig.builder("a", 0, "i").build(), shared,
                Map.of()));
        JsonNode own = json(CreateBodies.container("sb", ContainerConfig.builder("a", 0, "i").build(), POD,
                Map.of()));

        assertThat(body.path("HostConfig").path("PidMode").asText()).isEqualTo("container:sb");
        assertThat(own.path("HostConfig").has("PidMode")).isFalse();
    }

    @Test
    void aPositiveOomScoreAdjustmentIsPassedOn() {
        JsonNode body = json(CreateBodies.container("sb", ContainerConfig.builder("a", 0, "i")
                .resources(new Resources(0, 0, 0, 0, 500)).build(), POD, Map.of()));

        assertThat(body.path("HostConfig").path("OomScoreAdj").asInt()).isEqualTo(500);
    }
}
