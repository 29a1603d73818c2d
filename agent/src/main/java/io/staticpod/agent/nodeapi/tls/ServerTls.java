package io.staticpod.agent.nodeapi.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.staticpod.config.NodeApiConfig;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The node API's TLS context from its configuration: TLS 1.2 and 1.3 (or 1.3 alone), the configured TLS 1.2 cipher
 * suites plus TLS 1.3's (always on, as in Go), and, with a client CA, client certificates asked for but not required
 * (a request may bring a token instead); a certificate that does not verify against the CA fails the handshake. Java's
 * own TLS (JSSE) only: no native library.
 */
public final class ServerTls {
    static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");

    private ServerTls() {
    }

    /**
     * @param pkiDir where the self-signed certificate is kept when none is configured
     * @throws IOException naming the file or setting that is wrong
     */
    public static SslContext context(NodeApiConfig config, Path pkiDir, String nodeName, InstantSource clock)
            throws IOException {
        ServingPair pair = config.tlsCertFile() != null
                ? ServingPair.read(config.tlsCertFile(), config.tlsPrivateKeyFile())
                : SelfSigned.ensure(pkiDir, nodeName, config.nodeIp(), clock);
        // The JDK's SSLContext made here and handed to Netty as is: Netty's own server context (SslContextBuilder) runs
        // a self-test at class initialisation that reads a PEM key through BouncyCastle's JCA provider whenever
        // BouncyCastle is on the class path (about 300 classes and their metadata, for nothing). Only the suites this
        // Java offers are kept, so that one it does not is reported below rather than failing every handshake.
        List<String> wanted = new ArrayList<>(config.tlsCipherSuites());
        if (!wanted.isEmpty()) {
            wanted.addAll(TLS13_SUITES);
        }
        String[] protocols = NodeApiConfig.TLS13.equals(config.tlsMinVersion()) ? new String[] {"TLSv1.3"}
                : new String[] {"TLSv1.3", "TLSv1.2"};
        SslContext context;
        try {
            SSLContext jdk = SSLContext.getInstance("TLS");
            jdk.init(keyManagers(pair).getKeyManagers(), config.clientCaFile() == null ? null
                    : trustManagers(Pem.certificates(config.clientCaFile())).getTrustManagers(), null);
            // Java's default keeps 20,480 sessions for a day
            jdk.getServerSessionContext().setSessionCacheSize(256);
            jdk.getServerSessionContext().setSessionTimeout(600);
            ClientAuth clientAuth = config.clientCaFile() == null ? ClientAuth.NONE : ClientAuth.OPTIONAL;
            context = new JdkSslContext(jdk, false, wanted.isEmpty() ? null : wanted,
                    SupportedCipherSuiteFilter.INSTANCE, null, clientAuth, protocols, false);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        List<String> missing = new ArrayList<>(config.tlsCipherSuites());
        missing.removeAll(context.cipherSuites());
        if (!missing.isEmpty()) {
            throw new IOException("tlsCipherSuites: this Java runtime does not offer " + missing
                    + " (disabled in its java.security, or unknown to it); remove them");
        }
        return context;
    }

    private static KeyManagerFactory keyManagers(ServingPair pair) throws IOException {
        try {
            char[] password = new char[0];
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("node-api", pair.key(), password, pair.chain().toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("the serving certificate does not go with its key, or cannot be used: "
                    + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trustManagers(List<X509Certificate> cas) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IOException("the client CA cannot be used: " + e.getMessage(), e);
        }
    }
}
