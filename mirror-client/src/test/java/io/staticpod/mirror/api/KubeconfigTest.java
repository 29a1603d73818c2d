package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeconfigTest {
    @TempDir
    Path dir;

    private Path write(String text) throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        return Files.writeString(dir.resolve("conf/kubelet.conf"), text);
    }

    /** kubeadm's kubelet.conf: the CA inline, the rotated client certificate and key in one file. */
    @Test
    void readsAKubeadmKubeletConfWithFilesRelativeToItsDirectory() throws Exception {
        Config c = Kubeconfig.read(write("""
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    certificate-authority-data: Q0EtREFUQQ==
                    server: https://10.0.0.1:6443
                  name: kubernetes
                - cluster: {server: https://10.9.9.9:6443}
                  name: other
                contexts:
                - context: {cluster: other, user: nobody}
                  name: other
                - context:
                    cluster: kubernetes
                    user: system:node:node-1
                    namespace: kube-system
                  name: system:node:node-1@kubernetes
                current-context: system:node:node-1@kubernetes
                preferences: {}
                users:
                - name: system:node:node-1
                  user:
                    client-certificate: pki/kubelet-client-current.pem
                    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem
                """));

        assertThat(c.getMasterUrl()).startsWith("https://10.0.0.1:6443");
        assertThat(c.getCaCertData()).isEqualTo("Q0EtREFUQQ==");
        assertThat(c.getClientCertFile()).isEqualTo(dir.resolve("conf/pki/kubelet-client-current.pem").toString());
        assertThat(c.getClientKeyFile()).isEqualTo("/var/lib/kubelet/pki/kubelet-client-current.pem");
        assertThat(c.getNamespace()).isEqualTo("kube-system");
        assertThat(c.getAutoOAuthToken()).isNull();
        assertThat(c.isTrustCerts()).isFalse();
    }

    @Test
    void readsInlineCredentialsATokenFileAndTheCaFile() throws Exception {
        Files.writeString(dir.resolve("conf-token"), "tok-from-file\n");
        Config c = Kubeconfig.read(write("""
                clusters:
                - name: c
                  cluster: {server: "https://api:6443", certificate-authority: ../ca.crt, insecure-skip-tls-verify: true}
                users:
                - name: u
                  user: {tokenFile: ../conf-token, client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """));

        assertThat(c.getCaCertFile()).isEqualTo(dir.resolve("conf/../ca.crt").toString());
        assertThat(c.getAutoOAuthToken()).isEqualTo("tok-from-file");
        assertThat(c.getClientCertData()).isEqualTo("Q0VSVA==");
        assertThat(c.getClientKeyData()).isEqualTo("S0VZ");
        assertThat(c.isTrustCerts()).isTrue(); // as written; MirrorClients.config turns it off, with a warning
    }

    /** An exec plugin (or anything else not read here) goes to fabric8's own parser, which runs plugins. */
    @Test
    void aKubeconfigWithAnExecPluginIsReadByFabric8() throws Exception {
        Path file = write("""
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "https://api:6443"}
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: /bin/echo
                      interactiveMode: Never
                contexts:
                - name: x
                  context: {cluster: c, user: u}
                current-context: x
                """);

        assertThat(Kubeconfig.usesOnlyWhatIsReadHere(Map.of("server", "s"), Map.of("exec", Map.of()))).isFalse();
        assertThat(Kubeconfig.usesOnlyWhatIsReadHere(Map.of("proxy-url", "p"), Map.of())).isFalse();
        assertThat(Kubeconfig.usesOnlyWhatIsReadHere(Map.of("server", "s"), Map.of("token", "t"))).isTrue();
        Config c = Kubeconfig.read(file);
        assertThat(c.getMasterUrl()).startsWith("https://api:6443");
        assertThat(c.getFile()).isEqualTo(file.toFile()); // fabric8's parser keeps the file; ours does not
    }

    @Test
    void namesWhatIsMissing() throws Exception {
        String clusters = """
                clusters:
                - name: c
                  cluster: {server: "https://api:6443"}
                users:
                - name: u
                  user: {token: t}
                """;
        assertThatThrownBy(() -> Kubeconfig.read(write(clusters)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no current-context");
        assertThatThrownBy(() -> Kubeconfig.read(write(clusters + "current-context: x\n")))
                .hasMessage("no context named x in contexts");
        assertThatThrownBy(() -> Kubeconfig.read(write(clusters + """
                contexts:
                - name: x
                  context: {cluster: d, user: u}
                current-context: x
                """))).hasMessage("no cluster named d in clusters");
        assertThatThrownBy(() -> Kubeconfig.read(write(clusters + """
                contexts:
                - name: x
                  context: {user: u}
                current-context: x
                """))).hasMessage("the current context names no cluster");
        assertThatThrownBy(() -> Kubeconfig.read(write("- a list\n"))).hasMessage("the file is not a mapping");
    }
}
