package io.staticpod.agent.nodeapi.tls;

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
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The node API's own certificate when none is configured, as the kubelet makes one: {@code <dir>/kubelet.crt} and
 * {@code kubelet.key} (RSA 2048, valid one year, names: the node, {@code localhost}, the node's address and
 * 127.0.0.1), made once and kept across restarts; made again only when missing, unreadable or expiring within a day.
 * The key file is 0600 in a 0700 directory, written under a temporary name and renamed.
 */
public final class SelfSigned {
    private static final Logger log = LoggerFactory.getLogger(SelfSigned.class);
    static final Duration VALIDITY = Duration.ofDays(365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfSigned() {
    }

    /** The pair in {@code dir}, made first if needed. */
    public static ServingPair ensure(Path dir, String nodeName, String nodeIp, InstantSource clock)
            throws IOException {
        Path crt = dir.resolve("kubelet.crt");
        Path key = dir.resolve("kubelet.key");
        if (Files.exists(crt) && Files.exists(key)) {
            try {
                ServingPair existing = ServingPair.read(crt, key);
                if (existing.chain().get(0).getNotAfter().toInstant().isAfter(clock.instant().plus(Duration.ofDays(1)))) {
                    return existing;
                }
                log.info("Self-signed node API certificate expires; making a new one path={}", crt);
            } catch (IOException e) {
                log.warn("Self-signed node API certificate unreadable; making a new one path={} error={}", crt,
                        e.getMessage());
            }
        }
        ServingPair made = make(nodeName, nodeIp, clock.instant());
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        write(key, pkcs8(made.key()), "rw-------");
        write(crt, pem(made.chain().get(0)), "rw-r--r--");
        log.info("Made a self-signed node API certificate path={} names={}", crt, names(nodeName, nodeIp));
        return made;
    }

    static ServingPair make(String nodeName, String nodeIp, Instant now) throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, RANDOM);
            KeyPair keys = g.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.CN, nodeName + "@" + now.getEpochSecond()).build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(63, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(VALIDITY)), subject, keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            List<GeneralName> sans = new ArrayList<>();
            for (String n : names(nodeName, nodeIp)) {
                sans.add(n.matches("[0-9.]+|.*:.*") ? new GeneralName(GeneralName.iPAddress, n)
                        : new GeneralName(GeneralName.dNSName, n));
            }
            b.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(sans.toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            return new ServingPair(List.of(cert), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static List<String> names(String nodeName, String nodeIp) {
        List<String> names = new ArrayList<>(List.of(nodeName, "localhost", "127.0.0.1"));
        if (nodeIp != null && !names.contains(nodeIp)) {
            names.add(nodeIp);
        }
        return names;
    }

    private static String pem(Object o) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }

    /** PKCS#8 ({@code BEGIN PRIVATE KEY}), which the JDK reads on the next start without BouncyCastle. */
    private static String pkcs8(java.security.PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static void write(Path file, String content, String mode) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        Files.writeString(tmp, content, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
