package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.tls.Pem;
import io.staticpod.agent.nodeapi.tls.SelfSigned;
import io.staticpod.agent.nodeapi.tls.ServingPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SelfSignedTest {
    @TempDir
    Path dir;

    @Test
    void isMadeOnceUnderTheRootAndKeptAcrossRestarts() throws Exception {
        Path pki = dir.resolve("root/pki");
        ServingPair first = SelfSigned.ensure(pki, "node-1", "10.0.0.5", InstantSource.system());
        ServingPair again = SelfSigned.ensure(pki, "node-1", "10.0.0.5", InstantSource.system());

        assertThat(again.chain().get(0)).isEqualTo(first.chain().get(0));
        assertThat(first.chain().get(0).getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))))
                .contains("node-1", "localhost", "127.0.0.1", "10.0.0.5");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki.resolve("kubelet.key"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pki))).isEqualTo("rwx------");
    }

    @Test
    void isMadeAgainWhenItExpiresWithinADay() throws Exception {
        Path pki = dir.resolve("pki");
        ServingPair first = SelfSigned.ensure(pki, "node-1", null, InstantSource.system());
        InstantSource nextYear = InstantSource.fixed(Instant.now().plus(Duration.ofDays(365)));

        assertThat(SelfSigned.ensure(pki, "node-1", null, nextYear).chain().get(0)).isNotEqualTo(first.chain().get(0));
    }

    @Test
    void readsPkcs1RsaAndSec1EcKeysAsKubeadmAndOpensslWriteThem() throws Exception {
        // written by openssl genrsa -traditional and openssl ecparam -genkey -noout: test keys, nothing else
        for (String[] key : new String[][]{{"pkcs1-rsa.key", "RSA"}, {"sec1-ec.key", "EC"}}) {
            Path file = dir.resolve(key[0]);
            try (var in = SelfSignedTest.class.getResourceAsStream("/nodeapi/" + key[0])) {
                Files.copy(in, file);
            }

            assertThat(Pem.privateKey(file).getAlgorithm()).isEqualTo(key[1]);
        }
    }

    @Test
    void aFileWithoutAKeyOrCertificateIsAnErrorNamingItWithoutItsContent() throws Exception {
        Path file = dir.resolve("kubelet.crt");
        Files.writeString(file, "secret stuff\n");

        assertThatThrownBy(() -> Pem.privateKey(file)).hasMessageContaining(file.toString())
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> Pem.certificates(file)).hasMessageContaining(file.toString())
                .hasMessageNotContaining("secret");
    }
}
