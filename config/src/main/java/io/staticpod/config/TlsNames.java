package io.staticpod.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kubelet's TLS settings spelled as Go spells them ({@code tlsCipherSuites}, {@code tlsMinVersion}) turned into
 * Java's (JSSE) names. Go's cipher suite names are the IANA names, which JSSE uses too, except Go's two old
 * ChaCha20 spellings and the suites JSSE never offers (RC4, 3DES); those are refused with a reason, never dropped.
 */
final class TlsNames {
    /** Go name → JSSE name, for every suite of Go's {@code tls.CipherSuites()} and {@code InsecureCipherSuites()}. */
    private static final Map<String, String> SUITES = new TreeMap<>();
    /** Go names JSSE (Java 17) has no usable suite for. */
    private static final Set<String> REFUSED = Set.of("TLS_RSA_WITH_RC4_128_SHA", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA");
    private static final Map<String, String> VERSIONS = Map.of("VersionTLS12", NodeApiConfig.TLS12,
            "VersionTLS13", NodeApiConfig.TLS13);
    private static final Set<String> TOO_OLD = Set.of("VersionTLS10", "VersionTLS11");

    static {
        for (String same : List.of(
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256")) {
            SUITES.put(same, same);
        }
        // Go's names from before the IANA registration of ChaCha20-Poly1305
        SUITES.put("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        SUITES.put("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    }

    private TlsNames() {
    }

    /** JSSE names of {@code goNames}, in order, without duplicates; each bad name is an error naming it. */
    static List<String> cipherSuites(String key, List<String> goNames, List<String> errors) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String raw : goNames) {
            String name = raw.trim();
            if (name.isEmpty()) {
                continue;
            }
            String jsse = SUITES.get(name);
            if (jsse != null) {
                out.add(jsse);
            } else if (REFUSED.contains(name)) {
                errors.add(key + ": " + Values.quote(name) + " is not offered by Java's TLS (RC4 and 3DES are"
                        + " disabled as insecure); remove it");
            } else {
                String hint = Names.nearest(name, SUITES.keySet()).map(n -> "did you mean " + n + "?")
                        .orElse("use Go's names, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
                errors.add(key + ": " + Values.quote(name) + " is not a TLS cipher suite; " + hint);
            }
        }
        return List.copyOf(out);
    }

    /** {@code TLSv1.2} or {@code TLSv1.3} for Go's {@code VersionTLS12}/{@code VersionTLS13}; null and an error else. */
    static String minVersion(String key, String raw, List<String> errors) {
        String name = raw.trim();
        if (name.isEmpty()) {
            return NodeApiConfig.TLS12;
        }
        String version = VERSIONS.get(name);
        if (version != null) {
            return version;
        }
        if (TOO_OLD.contains(name)) {
            errors.add(key + ": " + Values.quote(raw) + " is below what the node API serves; use VersionTLS12 or"
                    + " VersionTLS13 (TLS 1.0 and 1.1 are never offered)");
        } else {
            errors.add(key + ": " + Values.quote(raw) + " is not a TLS version; use VersionTLS12 or VersionTLS13");
        }
        return null;
    }
}
