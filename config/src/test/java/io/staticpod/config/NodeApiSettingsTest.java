package io.staticpod.config;

import io.staticpod.config.ConfigLoader.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class NodeApiSettingsTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
                + "staticPodPath: /m\n" + yaml);
        return file;
    }

    private NodeApiConfig run(String yaml, String... flags) throws Exception {
        String[] args = new String[flags.length + 1];
        args[0] = "--config=" + write(yaml);
        System.arraycopy(flags, 0, args, 1, flags.length);
        return ((Outcome.Run) ConfigLoader.load(() -> "node-1", args)).config().nodeApi();
    }

    private List<String> errors(String yaml, String... flags) throws Exception {
        String[] args = new String[flags.length + 1];
        args[0] = "--config=" + write(yaml);
        System.arraycopy(flags, 0, args, 1, flags.length);
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(() -> "node-1", args)).errors();
    }

    @Test
    void withoutFieldsTheNodeApiListensOn10250WithWebhookChecksAndNoAnonymousAccess() throws Exception {
        NodeApiConfig c = run("");

        assertThat(c).isEqualTo(NodeApiConfig.DEFAULTS);
        assertThat(c.address()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(10250);
        assertThat(c.anonymousAuthentication()).isFalse();
        assertThat(c.webhookAuthentication()).isTrue();
        assertThat(c.authorizationMode()).isEqualTo(NodeApiConfig.AuthorizationMode.WEBHOOK);
        assertThat(c.tlsMinVersion()).isEqualTo("TLSv1.2");
    }

    @Test
    void readsEveryFieldOfTheFileWithPathsRelativeToIt() throws Exception {
        NodeApiConfig c = run("""
                address: 127.0.0.2
                port: 10350
                tlsCertFile: pki/kubelet.crt
                tlsPrivateKeyFile: pki/kubelet.key
                tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]
                tlsMinVersion: VersionTLS13
                authentication:
                  anonymous: {enabled: true}
                  webhook: {enabled: false, cacheTTL: 10s}
                  x509: {clientCAFile: ca.crt}
                authorization:
                  mode: AlwaysAllow
                  webhook: {cacheAuthorizedTTL: 1m, cacheUnauthorizedTTL: 5s}
                staticPodAgent:
                  nodeIP: 10.1.2.3
                """);

        assertThat(c).isEqualTo(new NodeApiConfig("127.0.0.2", 10350, dir.resolve("pki/kubelet.crt"),
                dir.resolve("pki/kubelet.key"),
                List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
                "TLSv1.3", dir.resolve("ca.crt"), false, Duration.ofSeconds(10), true,
                NodeApiConfig.AuthorizationMode.ALWAYS_ALLOW, Duration.ofMinutes(1), Duration.ofSeconds(5),
                "10.1.2.3"));
    }

    @Test
    void flagsWinOverTheFile() throws Exception {
        NodeApiConfig c = run("""
                port: 10350
                authorization: {mode: Webhook}
                authentication: {anonymous: {enabled: true}}
                """, "--port=0", "--address=127.0.0.1", "--authorization-mode=AlwaysAllow", "--anonymous-auth=false",
                "--authentication-token-webhook=false", "--client-ca-file=/etc/ca.crt", "--node-ip=127.0.0.1",
                "--tls-cert-file=/c.crt", "--tls-private-key-file=/c.key", "--tls-min-version=VersionTLS13",
                "--tls-cipher-suites=TLS_RSA_WITH_AES_128_GCM_SHA256");

        assertThat(c.port()).isZero();
        assertThat(c.enabled()).isFalse();
        assertThat(c.address()).isEqualTo("127.0.0.1");
        assertThat(c.authorizationMode()).isEqualTo(NodeApiConfig.AuthorizationMode.ALWAYS_ALLOW);
        assertThat(c.anonymousAuthentication()).isFalse();
        assertThat(c.webhookAuthentication()).isFalse();
        assertThat(c.clientCaFile()).isEqualTo(Path.of("/etc/ca.crt"));
        assertThat(c.nodeIp()).isEqualTo("127.0.0.1");
        assertThat(c.tlsCertFile()).isEqualTo(Path.of("/c.crt"));
        assertThat(c.tlsMinVersion()).isEqualTo("TLSv1.3");
        assertThat(c.tlsCipherSuites()).containsExactly("TLS_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void anUnknownCipherSuiteIsAnErrorNamingIt() throws Exception {
        assertThat(errors("tlsCipherSuites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265, TLS_RSA_WITH_RC4_128_SHA, NOPE]\n"))
                .containsExactly(
                        dir.resolve("config.yaml") + ": tlsCipherSuites: \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA265\" is"
                                + " not a TLS cipher suite; did you mean TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256?",
                        dir.resolve("config.yaml") + ": tlsCipherSuites: \"TLS_RSA_WITH_RC4_128_SHA\" is not offered"
                                + " by Java's TLS (RC4 and 3DES are disabled as insecure); remove it",
                        dir.resolve("config.yaml") + ": tlsCipherSuites: \"NOPE\" is not a TLS cipher suite; use Go's"
                                + " names, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void tlsBelow12AndUnknownVersionsAreErrors() throws Exception {
        assertThat(errors("tlsMinVersion: VersionTLS11\n", "--tls-min-version=TLS1.3")).containsExactly(
                dir.resolve("config.yaml") + ": tlsMinVersion: \"VersionTLS11\" is below what the node API serves;"
                        + " use VersionTLS12 or VersionTLS13 (TLS 1.0 and 1.1 are never offered)",
                "--tls-min-version: \"TLS1.3\" is not a TLS version; use VersionTLS12 or VersionTLS13");
    }

    @Test
    void aMisspeltKeyInAuthenticationIsAnErrorRatherThanASilentlyMissingCheck() throws Exception {
        assertThat(errors("""
                authentication:
                  x509: {clientCaFile: /ca.crt}
                  anonymus: {enabled: true}
                authorization: {mode: Always}
                """)).containsExactlyInAnyOrder(
                dir.resolve("config.yaml") + ": authentication.x509.clientCaFile: unknown key; did you mean"
                        + " authentication.x509.clientCAFile?",
                dir.resolve("config.yaml") + ": authentication.anonymus: unknown key; did you mean"
                        + " authentication.anonymous?",
                dir.resolve("config.yaml") + ": authorization.mode: \"Always\" is not an authorization mode; use"
                        + " Webhook or AlwaysAllow");
    }

    @Test
    void aCertificateWithoutItsKeyIsAnError() throws Exception {
        assertThat(errors("tlsCertFile: /c.crt\n")).containsExactly("tlsCertFile (--tls-cert-file) is set without"
                + " tlsPrivateKeyFile (--tls-private-key-file); set both, or neither for a self-signed certificate"
                + " under --root-dir/pki");
    }

    @Test
    void badAddressesPortsAndTtlsAreReportedTogether() throws Exception {
        assertThat(errors("""
                port: 70000
                authorization: {webhook: {cacheAuthorizedTTL: -1s}}
                """, "--node-ip=node1", "--address=0.0.0.0.0")).hasSize(4)
                .anySatisfy(m -> assertThat(m).endsWith("port: \"70000\" is not a port number; use 0-65535 (0 disables)"))
                .anySatisfy(m -> assertThat(m).endsWith("authorization.webhook.cacheAuthorizedTTL: \"-1s\" must not be"
                        + " negative"))
                .anySatisfy(m -> assertThat(m).startsWith("--node-ip: \"node1\" is not an IP address"))
                .anySatisfy(m -> assertThat(m).startsWith("--address: \"0.0.0.0.0\" is not an IP address"));
    }
}
