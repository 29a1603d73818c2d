package io.staticpod.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The node API (the kubelet's HTTPS server, port 10250): where it listens, its TLS, how it authenticates and
 * authorizes, and the address the Node publishes. Read from the KubeletConfiguration's own fields ({@code address},
 * {@code port}, {@code tlsCertFile}, {@code tlsPrivateKeyFile}, {@code tlsCipherSuites}, {@code tlsMinVersion},
 * {@code authentication}, {@code authorization}) and the kubelet's flags of the same meaning; flags win.
 *
 * @param address               listen address (default 0.0.0.0)
 * @param port                  listen port (default 10250); 0: no node API
 * @param tlsCertFile           serving certificate (PEM, chain allowed), or null for a self-signed one kept under the
 *                              root directory
 * @param tlsPrivateKeyFile     its key (PEM: PKCS#1, PKCS#8 or EC), set exactly when {@code tlsCertFile} is
 * @param tlsCipherSuites       JSSE names of the TLS 1.2 cipher suites to offer (mapped from Go's names), or empty for
 *                              Java's defaults; TLS 1.3 suites are always on, as in Go
 * @param tlsMinVersion         {@code TLSv1.2} (default) or {@code TLSv1.3}
 * @param clientCaFile          {@code authentication.x509.clientCAFile}: client certificates signed by it authenticate
 *                              (user = CN, groups = O), or null for none
 * @param webhookAuthentication {@code authentication.webhook.enabled}: bearer tokens checked with a TokenReview
 * @param webhookCacheTtl       {@code authentication.webhook.cacheTTL}: how long a token's review is kept (2 min)
 * @param anonymousAuthentication {@code authentication.anonymous.enabled}: requests without credentials are
 *                              {@code system:anonymous}; off by default (the kubelet's default is on)
 * @param authorizationMode     {@code authorization.mode}
 * @param cacheAuthorizedTtl    {@code authorization.webhook.cacheAuthorizedTTL} (5 min)
 * @param cacheUnauthorizedTtl  {@code authorization.webhook.cacheUnauthorizedTTL} (30 s)
 * @param nodeIp                {@code --node-ip} (or {@code staticPodAgent.nodeIP}): the Node's InternalIP, or null
 *                              for the host's primary address
 */
public record NodeApiConfig(String address,
                            int port,
                            Path tlsCertFile,
                            Path tlsPrivateKeyFile,
                            List<String> tlsCipherSuites,
                            String tlsMinVersion,
                            Path clientCaFile,
                            boolean webhookAuthentication,
                            Duration webhookCacheTtl,
                            boolean anonymousAuthentication,
                            AuthorizationMode authorizationMode,
                            Duration cacheAuthorizedTtl,
                            Duration cacheUnauthorizedTtl,
                            String nodeIp) {
    public static final String DEFAULT_ADDRESS = "0.0.0.0";
    public static final int DEFAULT_PORT = 10250;
    public static final String TLS12 = "TLSv1.2";
    public static final String TLS13 = "TLSv1.3";
    public static final Duration DEFAULT_WEBHOOK_CACHE_TTL = Duration.ofMinutes(2);
    public static final Duration DEFAULT_CACHE_AUTHORIZED_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CACHE_UNAUTHORIZED_TTL = Duration.ofSeconds(30);

    /** What a KubeletConfiguration without any of these fields and no flags give. */
    public static final NodeApiConfig DEFAULTS = new NodeApiConfig(DEFAULT_ADDRESS, DEFAULT_PORT, null, null, List.of(),
            TLS12, null, true, DEFAULT_WEBHOOK_CACHE_TTL, false, AuthorizationMode.WEBHOOK,
            DEFAULT_CACHE_AUTHORIZED_TTL, DEFAULT_CACHE_UNAUTHORIZED_TTL, null);

    public NodeApiConfig {
        Objects.requireNonNull(address, "address");
        tlsCipherSuites = tlsCipherSuites == null ? List.of() : List.copyOf(tlsCipherSuites);
        Objects.requireNonNull(tlsMinVersion, "tlsMinVersion");
        Objects.requireNonNull(authorizationMode, "authorizationMode");
        Objects.requireNonNull(webhookCacheTtl, "webhookCacheTtl");
        Objects.requireNonNull(cacheAuthorizedTtl, "cacheAuthorizedTtl");
        Objects.requireNonNull(cacheUnauthorizedTtl, "cacheUnauthorizedTtl");
        if ((tlsCertFile == null) != (tlsPrivateKeyFile == null)) {
            throw new IllegalArgumentException("tlsCertFile and tlsPrivateKeyFile go together");
        }
    }

    /** Whether the node API is served at all. */
    public boolean enabled() {
        return port != 0;
    }

    /** {@code authorization.mode}, as the kubelet spells it. */
    public enum AuthorizationMode {
        /** A SubjectAccessReview per request (cached). */
        WEBHOOK("Webhook"),
        /** Every authenticated request is allowed. */
        ALWAYS_ALLOW("AlwaysAllow");

        private final String spelling;

        AuthorizationMode(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }
}
