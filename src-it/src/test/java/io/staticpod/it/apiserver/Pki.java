package io.staticpod.it.apiserver;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * The test cluster's certificates, made in memory with BouncyCastle (RSA 2048, SHA-256, valid for a day):
 * one CA that signs the API server's serving certificate and every client certificate, as kubeadm does.
 */
final class Pki {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A certificate with its private key. */
    record Issued(X509Certificate cert, KeyPair keys) {
        String certPem() {
            return pem(cert);
        }

        String keyPem() {
            return pem(keys.getPrivate());
        }

        /** Writes {@code <base>.crt} and {@code <base>.key} into {@code dir}; returns the two paths. */
        List<Path> write(Path dir, String base) {
            Path crt = dir.resolve(base + ".crt");
            Path key = dir.resolve(base + ".key");
            writeFile(crt, certPem());
            writeFile(key, keyPem());
            return List.of(crt, key);
        }
    }

    private final Issued ca;

    private Pki(Issued ca) {
        this.ca = ca;
    }

    static Pki newCa(String commonName) {
        KeyPair keys = rsa();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(name, name, keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            return new Pki(new Issued(sign(b, keys), keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    Issued ca() {
        return ca;
    }

    /** A serving certificate for the given IP addresses and DNS names. */
    Issued server(String commonName, List<String> ips, List<String> dnsNames) {
        GeneralName[] sans = new GeneralName[ips.size() + dnsNames.size()];
        int i = 0;
        for (String ip : ips) {
            sans[i++] = new GeneralName(GeneralName.iPAddress, ip);
        }
        for (String dns : dnsNames) {
            sans[i++] = new GeneralName(GeneralName.dNSName, dns);
        }
        return issue(subject(commonName, null), KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans));
    }

    /** A client certificate: the API server takes the CN as the user name and each O as a group. */
    Issued client(String commonName, String organization) {
        return issue(subject(commonName, organization), KeyPurposeId.id_kp_clientAuth, null);
    }

    /** A bare key pair (the service-account signing key). */
    static KeyPair keyPair() {
        return rsa();
    }

    /** A client TLS context that presents {@code client} and trusts only this CA. */
    SSLContext sslContext(Issued client) {
        try {
            char[] pw = "changeit".toCharArray();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", client.keys().getPrivate(), pw, new X509Certificate[]{client.cert(), ca.cert()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", ca.cert());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), RANDOM);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context for " + client.cert().getSubjectX500Principal(), e);
        }
    }

    /** Key managers that present {@code client} whatever CAs the server names (as curl and Go clients do). */
    static javax.net.ssl.KeyManager[] presentAlways(Issued client) {
        javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[]{"client"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return "client";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                                  javax.net.ssl.SSLEngine engine) {
                return "client";
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket s) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[]{client.cert()};
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return client.keys().getPrivate();
            }
        };
        return new javax.net.ssl.KeyManager[]{km};
    }

    static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static void writeFile(Path path, String content) {
        try {
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    private Issued issue(X500Name subject, KeyPurposeId purpose, GeneralNames sans) {
        KeyPair keys = rsa();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded()),
                    subject, keys);
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new Issued(sign(b, ca.keys()), keys);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + subject, e);
        }
    }

    private static X500Name subject(String cn, String o) {
        X500NameBuilder b = new X500NameBuilder(BCStyle.INSTANCE);
        if (o != null) {
            b.addRDN(BCStyle.O, o);
        }
        return b.addRDN(BCStyle.CN, cn).build();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
