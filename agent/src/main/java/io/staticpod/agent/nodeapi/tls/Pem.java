package io.staticpod.agent.nodeapi.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading PEM files: certificates (a chain or a CA bundle) and one private key. Errors name the file and what was
 * wrong with it, never its content.
 */
public final class Pem {
    private Pem() {
    }

    /** Every certificate in the file, in order; at least one. Read by the JDK; BouncyCastle only when it cannot. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            List<X509Certificate> jdk = new ArrayList<>();
            for (var c : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                jdk.add((X509Certificate) c);
            }
            if (!jdk.isEmpty()) {
                return jdk;
            }
        } catch (CertificateException | RuntimeException e) {
            // not plain PEM certificates (text around them, other blocks): BouncyCastle's parser below
        }
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                if (o instanceof X509CertificateHolder holder) {
                    out.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException | RuntimeException e) {
            throw new IOException(file + ": not a PEM certificate file (" + e.getClass().getSimpleName() + ")");
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /**
     * The private key in the file: PKCS#1 RSA, SEC1 EC or PKCS#8, unencrypted. A PKCS#8 key (what this agent writes)
     * is read by the JDK; BouncyCastle's classes are loaded only for the other formats.
     */
    public static PrivateKey privateKey(Path file) throws IOException {
        PrivateKey pkcs8 = pkcs8(file);
        if (pkcs8 != null) {
            return pkcs8;
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (Object o; (o = parser.readObject()) != null; ) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo()); // SEC1 may leave the public key out
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o.getClass().getSimpleName().startsWith("PKCS8Encrypted")
                        || o.getClass().getSimpleName().startsWith("PEMEncrypted")) {
                    throw new IOException(file + ": the private key is encrypted; give an unencrypted key (as"
                            + " kubeadm writes)");
                }
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a PEM private key file (" + e.getClass().getSimpleName() + ")");
        }
        throw new IOException(file + ": holds no PEM private key (-----BEGIN … PRIVATE KEY-----)");
    }

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    /** A {@code BEGIN PRIVATE KEY} block read by the JDK (RSA or EC), or null to let BouncyCastle try. */
    private static PrivateKey pkcs8(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = text.indexOf(PKCS8_BEGIN);
        int end = text.indexOf(PKCS8_END);
        if (begin < 0 || end < begin) {
            return null;
        }
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(begin + PKCS8_BEGIN.length(), end));
            var spec = new java.security.spec.PKCS8EncodedKeySpec(der);
            for (String algorithm : new String[]{"RSA", "EC", "Ed25519"}) {
                try {
                    return java.security.KeyFactory.getInstance(algorithm).generatePrivate(spec);
                } catch (java.security.spec.InvalidKeySpecException e) {
                    // another algorithm
                }
            }
        } catch (IllegalArgumentException | java.security.NoSuchAlgorithmException e) {
            // not base64, or no such algorithm: BouncyCastle says what is wrong
        }
        return null;
    }
}
