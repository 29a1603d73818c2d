package io.staticpod.agent.nodeapi.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A serving certificate chain (leaf first) and its key. {@link #toString()} names the leaf only.
 */
public record ServingPair(List<X509Certificate> chain, PrivateKey key) {
    public ServingPair {
        chain = List.copyOf(chain);
    }

    /** {@code tlsCertFile} and {@code tlsPrivateKeyFile}. */
    public static ServingPair read(Path certFile, Path keyFile) throws IOException {
        return new ServingPair(Pem.certificates(certFile), Pem.privateKey(keyFile));
    }

    @Override
    public String toString() {
        return "ServingPair[" + chain.get(0).getSubjectX500Principal() + "]";
    }
}
