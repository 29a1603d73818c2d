package io.staticpod.config;

import picocli.CommandLine.Option;

/**
 * The kubelet's flags for its node API (mixed into {@link Flags}), kept as text and checked by
 * {@link NodeApiSettings}. Each wins over the matching KubeletConfiguration field.
 */
final class NodeApiFlags {
    @Option(names = "--address", paramLabel = "IP",
            description = "Address of the node API, the kubelet's HTTPS port (default: 0.0.0.0).")
    String address;

    @Option(names = "--port", paramLabel = "PORT",
            description = "Port of the node API (kubectl logs), 0 disables (default: 10250).")
    String port;

    @Option(names = "--tls-cert-file", paramLabel = "FILE",
            description = "Serving certificate of the node API (PEM); without it a self-signed one is made"
                    + " under --root-dir/pki.")
    String tlsCertFile;

    @Option(names = "--tls-private-key-file", paramLabel = "FILE", description = "Key of --tls-cert-file (PEM).")
    String tlsPrivateKeyFile;

    @Option(names = "--tls-cipher-suites", paramLabel = "NAME,...",
            description = "TLS 1.2 cipher suites of the node API, Go's names (default: Java's).")
    String tlsCipherSuites;

    @Option(names = "--tls-min-version", paramLabel = "VERSION",
            description = "VersionTLS12 (default) or VersionTLS13.")
    String tlsMinVersion;

    @Option(names = "--client-ca-file", paramLabel = "FILE",
            description = "CA whose client certificates authenticate to the node API (user = CN, groups = O).")
    String clientCaFile;

    @Option(names = "--anonymous-auth", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Let requests without credentials in as system:anonymous (default: false).")
    String anonymousAuth;

    @Option(names = "--authentication-token-webhook", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Check bearer tokens with a TokenReview (default: true).")
    String authenticationTokenWebhook;

    @Option(names = "--authorization-mode", paramLabel = "Webhook|AlwaysAllow",
            description = "Authorize node API requests with a SubjectAccessReview, or allow all (default: Webhook).")
    String authorizationMode;

    @Option(names = "--node-ip", paramLabel = "IP",
            description = "The Node's InternalIP, where the API server reaches the node API (default: the host's"
                    + " primary address).")
    String nodeIp;
}
