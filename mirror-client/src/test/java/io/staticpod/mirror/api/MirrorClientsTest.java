package io.staticpod.mirror.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MirrorClientsTest {
    @TempDir
    Path dir;

    Path kubeconfig(String server, boolean insecure) throws Exception {
        Path p = dir.resolve("kubelet.conf");
        Files.writeString(p, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: %s
                users:
                - name: u
                  user:
                    token: s3cr3t-token
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """.formatted(server, insecure));
        return p;
    }

    @Test
    void alwaysVerifiesTlsEvenWhenTheKubeconfigSaysNot() throws Exception {
        var config = MirrorClients.config(kubeconfig("https://10.0.0.1:6443", true));
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.isDisableHostnameVerification()).isFalse();
        assertThat(config.getMasterUrl()).startsWith("https://10.0.0.1:6443");
        assertThat(config.getAutoOAuthToken()).isEqualTo("s3cr3t-token");
        assertThat(config.getRequestRetryBackoffLimit()).isZero();
    }

    @Test
    void refusesAPlainHttpServerThatIsNotLocal() throws Exception {
        assertThatThrownBy(() -> MirrorClients.config(kubeconfig("http://10.0.0.1:8080", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not https");
        assertThatThrownBy(() -> MirrorClients.config(dir.resolve("missing")))
                .hasMessageContaining("kubeconfig not found");
    }

    @Test
    void clientToStringNamesNoCredentials() throws Exception {
        var client = MirrorClients.fromKubeconfig(kubeconfig("https://10.0.0.1:6443", false),
                Harness.FACTS, java.time.Clock.systemUTC(), Timing.DEFAULT,
                io.staticpod.mirror.ApiRequestListener.NONE, io.staticpod.mirror.NodeReadiness.ALWAYS_READY);
        assertThat(client.toString()).doesNotContain("s3cr3t").contains("node-1");
        client.close();
    }

    @Test
    void readsTheHostsFacts() throws Exception {
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       25165824 kB\nMemFree: 1 kB\n");
        assertThat(NodeFacts.memTotalKi(meminfo)).isEqualTo(25165824L);
        Path osRelease = Files.writeString(dir.resolve("os-release"),
                "NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
        assertThat(NodeFacts.osImage(osRelease)).isEqualTo("Debian GNU/Linux 12 (bookworm)");
        Path route = Files.writeString(dir.resolve("route"), """
                Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
                docker0	000011AC	00000000	0001	0	0	0	0000FFFF	0	0	0
                eth0	00000000	0100A8C0	0003	0	0	0	00000000	0	0	0
                """);
        assertThat(NodeFacts.defaultRouteInterface(route)).isEqualTo("eth0");
        assertThat(NodeFacts.goArch("x86_64")).isEqualTo("amd64");
        assertThat(NodeFacts.goArch("aarch64")).isEqualTo("arm64");
    }

    @Test
    void writesConfigSeenAsGoRfc3339Nano() {
        assertThat(Times.nano(Instant.parse("2024-05-01T10:00:00.1Z"), ZoneOffset.ofHours(2)))
                .isEqualTo("2024-05-01T12:00:00.100000000+02:00");
        assertThat(Times.micro(Instant.parse("2024-05-01T10:00:00.123456789Z")))
                .isEqualTo("2024-05-01T10:00:00.123456Z");
    }
}
