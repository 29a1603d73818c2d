package io.staticpod.agent.nodeapi;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;


/** A test CA and client certificates from it (EC P-256, fast to make), and TLS contexts for clients. */
final class TestPki {
    record Issued(X509Certificate cert, KeyPair keys) {
    }

    private final Issued ca;

    TestPki(String name) {
        KeyPair keys = ec();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, name).build();
        this.ca = new Issued(sign(subject, subject, keys.getPublic(), keys, true, null), keys);
    }

    Issued ca() {
        return ca;
    }

    /** A client certificate with CN {@code user} and one O per group. */
    Issued client(String user, String... groups) {
        KeyPair keys = ec();
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        for (String g : groups) {
            b.addRDN(BCStyle.O, g);
        }
        X500Name subject = b.addRDN(BCStyle.CN, user).build();
        X500Name issuer = X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
        return new Issued(sign(issuer, subject, keys.getPublic(), ca.keys(), false, KeyPurposeId.id_kp_clientAuth),
                keys);
    }

    /** Writes the CA certificate as PEM. */
    Path writeCa(Path file) throws Exception {
        Files.writeString(file, pem(ca.cert()));
        return file;
    }

    static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** A client context presenting {@code client} (or nothing) and trusting {@code server}'s certificate. */
    static SSLContext clientContext(Issued client, X509Certificate server, String... protocols) throws Exception {
        KeyManagerFactory kmf = null;
        if (client != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("c", client.keys().getPrivate(), "p".toCharArray(), new X509Certificate[]{client.cert()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "p".toCharArray());
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("server", server);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance(protocols.length == 0 ? "TLS" : protocols[0]);
        ctx.init(kmf == null ? null : new javax.net.ssl.KeyManager[]{presentAlways(
                (javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0])}, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Presents the certificate whatever CAs the server names (Java's own key manager would stay silent for a
     * certificate of another CA; curl and Go's clients send it).
     */
    private static javax.net.ssl.X509KeyManager presentAlways(javax.net.ssl.X509KeyManager km) {
        return new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[]{"c"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers,
                                            java.net.Socket socket) {
                return "c";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                                  javax.net.ssl.SSLEngine engine) {
                return "c";
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers,
                                            java.net.Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
            }
        };
    }

    private static X509Certificate sign(X500Name issuer, X500Name subject, java.security.PublicKey key,
                                        KeyPair signer, boolean isCa, KeyPurposeId purpose) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()
                    ^ System.nanoTime()).abs(), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, key);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (purpose != null) {
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
