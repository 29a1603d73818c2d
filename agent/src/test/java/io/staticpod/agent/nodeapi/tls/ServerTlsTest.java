package io.staticpod.agent.nodeapi.tls;

import io.netty.handler.ssl.SslContext;
import io.staticpod.config.NodeApiConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerTlsTest {
    @TempDir
    Path pki;

    private static NodeApiConfig withSuites(List<String> suites, String minVersion) {
        return new NodeApiConfig("127.0.0.1", 0, null, null, suites, minVersion, null, true, Duration.ofMinutes(2),
                false, NodeApiConfig.AuthorizationMode.WEBHOOK, Duration.ofMinutes(5), Duration.ofSeconds(30), null);
    }

    @Test
    void theConfiguredTls12SuitesAndTls13sAreTheOnlyOnesOfferedByAServer() throws Exception {
        SslContext ssl = ServerTls.context(withSuites(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
                NodeApiConfig.TLS12), pki, "node-a", InstantSource.system());

        assertThat(ssl.isServer()).isTrue();
        assertThat(ssl.cipherSuites()).containsExactlyInAnyOrderElementsOf(List.of(
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256"));
        assertThat(ssl.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT).getEnabledProtocols())
                .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aSuiteThisJavaDoesNotOfferIsAnErrorNamingItNotAFailedHandshakeLater() {
        assertThatThrownBy(() -> ServerTls.context(withSuites(List.of("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_NO_SUCH_SUITE"), NodeApiConfig.TLS12), pki, "node-a", InstantSource.system()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("tlsCipherSuites").hasMessageContaining("[TLS_NO_SUCH_SUITE]");
    }

    @Test
    void servingTlsLoadsNoBouncyCastleProvider() throws Exception {
        // in a JVM of its own: the class loading of this one depends on the tests run before
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xlog:class+load=info", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), pki.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).contains("io.netty.handler.ssl.JdkSslContext ") // TLS was set up in it
                .contains("org.bouncycastle.cert.X509v3CertificateBuilder ") // its certificate made with BouncyCastle
                .doesNotContain("org.bouncycastle.jce.provider.BouncyCastleProvider ");
    }

    /** Sets up the node API's TLS with a self-signed certificate made in {@code args[0]}. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            ServerTls.context(withSuites(List.of(), NodeApiConfig.TLS12), Path.of(args[0]), "node-a",
                    InstantSource.system());
        }
    }
}
