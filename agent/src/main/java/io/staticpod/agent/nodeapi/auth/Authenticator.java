package io.staticpod.agent.nodeapi.auth;

import io.staticpod.mirror.AccessReviews;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Who a request comes from, tried in the kubelet's order:
 * <ol>
 *   <li>a client certificate (TLS has already verified it against {@code authentication.x509.clientCAFile}): the
 *   user is its CN, the groups its O values;</li>
 *   <li>a bearer token ({@code Authorization: Bearer …}) when {@code authentication.webhook.enabled}: a TokenReview,
 *   its verdict (accepted or not) kept for {@code cacheTTL} under the token's SHA-256;</li>
 *   <li>otherwise {@code system:anonymous} in {@code system:unauthenticated} when
 *   {@code authentication.anonymous.enabled}, else rejected.</li>
 * </ol>
 * A request whose token is refused or cannot be checked is never let in as anonymous. Thread-safe.
 */
public final class Authenticator {
    static final AccessReviews.User ANONYMOUS = new AccessReviews.User("system:anonymous", "",
            List.of("system:unauthenticated"), null);
    private static final int CACHE_SIZE = 4096;

    private final boolean webhook;
    private final boolean anonymous;
    private final Supplier<AccessReviews> reviews;
    private final Duration cacheTtl;
    private final TtlCache<String, AccessReviews.TokenVerdict> verdicts;

    /**
     * @param webhook   {@code authentication.webhook.enabled}
     * @param anonymous {@code authentication.anonymous.enabled}
     * @param reviews   the API server's reviews (asked on each use: the client may be built later)
     * @param cacheTtl  {@code authentication.webhook.cacheTTL}
     */
    public Authenticator(boolean webhook, boolean anonymous, Supplier<AccessReviews> reviews, Duration cacheTtl,
                         InstantSource clock) {
        this.webhook = webhook;
        this.anonymous = anonymous;
        this.reviews = reviews;
        this.cacheTtl = cacheTtl;
        this.verdicts = new TtlCache<>(clock, CACHE_SIZE);
    }

    /**
     * @param peerCertificates the client's chain as TLS verified it, leaf first (empty without one)
     * @param authorization    the {@code Authorization} header, or null
     */
    public Identity authenticate(List<X509Certificate> peerCertificates, String authorization) {
        if (!peerCertificates.isEmpty()) {
            return fromCertificate(peerCertificates.get(0));
        }
        String token = bearer(authorization);
        if (token != null) {
            if (!webhook) {
                return new Identity.Rejected("a bearer token, but authentication.webhook.enabled is false");
            }
            return fromToken(token);
        }
        if (anonymous) {
            return new Identity.Known(ANONYMOUS, "anonymous");
        }
        return new Identity.Rejected("no client certificate and no bearer token; anonymous requests are disabled");
    }

    private static Identity fromCertificate(X509Certificate cert) {
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
            // getRdns() is in the certificate's own order; as Go reads a subject, the last CN wins, every O counts
            for (Rdn rdn : name.getRdns()) {
                String type = rdn.getType().toUpperCase(Locale.ROOT);
                if (type.equals("CN")) {
                    cn = rdn.getValue().toString();
                } else if (type.equals("O")) {
                    groups.add(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return new Identity.Rejected("a client certificate whose subject cannot be read");
        }
        if (cn == null || cn.isEmpty()) {
            return new Identity.Rejected("a client certificate without a common name");
        }
        return new Identity.Known(new AccessReviews.User(cn, "", groups, null), "x509");
    }

    private Identity fromToken(String token) {
        String key = sha256(token);
        AccessReviews.TokenVerdict verdict = verdicts.get(key);
        if (verdict == null) {
            try {
                verdict = reviews.get().reviewToken(token);
            } catch (AccessReviews.Unavailable e) {
                return new Identity.Unavailable(e.getMessage());
            }
            verdicts.put(key, verdict, cacheTtl);
        }
        if (!verdict.authenticated()) {
            return new Identity.Rejected("the API server did not accept the bearer token"
                    + (verdict.error() == null || verdict.error().isEmpty() ? "" : ": " + verdict.error()));
        }
        return new Identity.Known(verdict.user(), "token");
    }

    /** The token of {@code Bearer <token>} (scheme in any case), or null. */
    static String bearer(String authorization) {
        if (authorization == null) {
            return null;
        }
        String h = authorization.strip();
        if (h.length() < 7 || !h.regionMatches(true, 0, "bearer ", 0, 7)) {
            return null;
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    int cachedTokens() {
        return verdicts.size();
    }
}
