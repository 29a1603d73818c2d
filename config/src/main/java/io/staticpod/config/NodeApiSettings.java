package io.staticpod.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads the node API's fields of a KubeletConfiguration ({@link FromFile}) and applies the flags over them
 * ({@link #merge}), adding every problem to the caller's error list. Nested sections ({@code authentication},
 * {@code authorization}) are checked key by key: a misspelt key there would silently weaken or disable a check, so
 * it is an error naming the nearest valid key.
 */
final class NodeApiSettings {
    /** Top-level KubeletConfiguration fields read here. */
    static final Set<String> FIELDS = Set.of("address", "port", "tlsCertFile", "tlsPrivateKeyFile", "tlsCipherSuites",
            "tlsMinVersion", "authentication", "authorization");
    private static final Map<String, Set<String>> SECTIONS = Map.of(
            "authentication", Set.of("x509", "webhook", "anonymous"),
            "authentication.x509", Set.of("clientCAFile"),
            "authentication.webhook", Set.of("enabled", "cacheTTL"),
            "authentication.anonymous", Set.of("enabled"),
            "authorization", Set.of("mode", "webhook"),
            "authorization.webhook", Set.of("cacheAuthorizedTTL", "cacheUnauthorizedTTL"));

    private NodeApiSettings() {
    }

    /** What the file says; null where it says nothing. Paths are absolute (relative to the file's directory). */
    record FromFile(String address, Integer port, Path tlsCertFile, Path tlsPrivateKeyFile, List<String> cipherSuites,
                    String tlsMinVersion, Path clientCaFile, Boolean webhookAuthentication, Duration webhookCacheTtl,
                    Boolean anonymousAuthentication, NodeApiConfig.AuthorizationMode authorizationMode,
                    Duration cacheAuthorizedTtl, Duration cacheUnauthorizedTtl, String nodeIp) {
        static final FromFile NONE = new FromFile(null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** How the file's reader names a key and resolves a path. */
    interface FileContext {
        String key(String name);

        Path resolve(String path);
    }

    static FromFile read(JsonNode root, String nodeIp, FileContext file, List<String> errors) {
        Reader r = new Reader(file, errors);
        JsonNode authn = r.section(root, "authentication");
        JsonNode authz = r.section(root, "authorization");
        JsonNode x509 = r.section(authn, "authentication.x509");
        JsonNode webhook = r.section(authn, "authentication.webhook");
        JsonNode anonymous = r.section(authn, "authentication.anonymous");
        JsonNode authzWebhook = r.section(authz, "authorization.webhook");

        String address = r.scalar(root, "address", "address");
        String port = r.scalar(root, "port", "port");
        String mode = r.scalar(authz, "mode", "authorization.mode");
        String minVersion = r.scalar(root, "tlsMinVersion", "tlsMinVersion");
        String webhookEnabled = r.scalar(webhook, "enabled", "authentication.webhook.enabled");
        String anonymousEnabled = r.scalar(anonymous, "enabled", "authentication.anonymous.enabled");
        return new FromFile(
                address == null || address.isBlank() ? null : Values.ipAddress(file.key("address"), address, errors),
                port == null ? null : Values.port(file.key("port"), port, errors),
                r.path(root, "tlsCertFile", "tlsCertFile"),
                r.path(root, "tlsPrivateKeyFile", "tlsPrivateKeyFile"),
                r.suites(root.get("tlsCipherSuites")),
                minVersion == null ? null : TlsNames.minVersion(file.key("tlsMinVersion"), minVersion, errors),
                r.path(x509, "clientCAFile", "authentication.x509.clientCAFile"),
                webhookEnabled == null ? null
                        : Values.bool(file.key("authentication.webhook.enabled"), webhookEnabled, errors),
                r.ttl(webhook, "cacheTTL", "authentication.webhook.cacheTTL"),
                anonymousEnabled == null ? null
                        : Values.bool(file.key("authentication.anonymous.enabled"), anonymousEnabled, errors),
                mode == null || mode.isBlank() ? null : mode(file.key("authorization.mode"), mode, errors),
                r.ttl(authzWebhook, "cacheAuthorizedTTL", "authorization.webhook.cacheAuthorizedTTL"),
                r.ttl(authzWebhook, "cacheUnauthorizedTTL", "authorization.webhook.cacheUnauthorizedTTL"),
                nodeIp == null || nodeIp.isBlank() ? null
                        : Values.ipAddress(file.key(KubeletConfigFile.SECTION + ".nodeIP"), nodeIp, errors));
    }

    /**
     * Flags over the file over the defaults. Whether the files named exist is not checked here: the node API reports a
     * missing certificate or CA itself and stays off, while the static pods start (a node's etcd and API server must
     * never wait for it).
     */
    static NodeApiConfig merge(NodeApiFlags flags, FromFile file, List<String> errors) {
        NodeApiConfig d = NodeApiConfig.DEFAULTS;
        Precedence p = new Precedence(errors);
        String address = p.pick("--address", flags.address, Values::ipAddress, file.address(), d.address());
        Integer port = p.pick("--port", flags.port, Values::port, file.port(), d.port());
        Path cert = p.pick("--tls-cert-file", flags.tlsCertFile, Precedence.PATH, file.tlsCertFile());
        Path key = p.pick("--tls-private-key-file", flags.tlsPrivateKeyFile, Precedence.PATH,
                file.tlsPrivateKeyFile());
        if ((cert == null) != (key == null)) {
            errors.add((cert == null ? "tlsPrivateKeyFile (--tls-private-key-file)" : "tlsCertFile (--tls-cert-file)")
                    + " is set without " + (cert == null ? "tlsCertFile (--tls-cert-file)"
                    : "tlsPrivateKeyFile (--tls-private-key-file)")
                    + "; set both, or neither for a self-signed certificate under --root-dir/pki");
            cert = null;
            key = null;
        }
        List<String> suites = p.pick("--tls-cipher-suites", flags.tlsCipherSuites,
                (flag, raw, e) -> TlsNames.cipherSuites(flag, List.of(raw.split(",")), e), file.cipherSuites(),
                d.tlsCipherSuites());
        String minVersion = p.pick("--tls-min-version", flags.tlsMinVersion, TlsNames::minVersion,
                file.tlsMinVersion(), d.tlsMinVersion());
        Path clientCa = p.pickNonBlank("--client-ca-file", flags.clientCaFile, Precedence.PATH, file.clientCaFile());
        Boolean webhook = p.pick("--authentication-token-webhook", flags.authenticationTokenWebhook, Values::bool,
                file.webhookAuthentication(), d.webhookAuthentication());
        Boolean anonymous = p.pick("--anonymous-auth", flags.anonymousAuth, Values::bool,
                file.anonymousAuthentication(), d.anonymousAuthentication());
        NodeApiConfig.AuthorizationMode mode = p.pick("--authorization-mode", flags.authorizationMode,
                NodeApiSettings::mode, file.authorizationMode(), d.authorizationMode());
        String nodeIp = p.pickNonBlank("--node-ip", flags.nodeIp, Values::ipAddress, file.nodeIp());
        if (address == null || port == null || minVersion == null || webhook == null || anonymous == null
                || mode == null) {
            return d; // an error was reported
        }
        return new NodeApiConfig(address, port, cert, key, suites, minVersion, clientCa, webhook,
                or(file.webhookCacheTtl(), d.webhookCacheTtl()), anonymous, mode,
                or(file.cacheAuthorizedTtl(), d.cacheAuthorizedTtl()),
                or(file.cacheUnauthorizedTtl(), d.cacheUnauthorizedTtl()), nodeIp);
    }

    static NodeApiConfig.AuthorizationMode mode(String key, String raw, List<String> errors) {
        for (NodeApiConfig.AuthorizationMode m : NodeApiConfig.AuthorizationMode.values()) {
            if (m.spelling().equalsIgnoreCase(raw.trim())) {
                return m;
            }
        }
        errors.add(key + ": " + Values.quote(raw) + " is not an authorization mode; use Webhook or AlwaysAllow");
        return null;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** Holds the file context and the error list while one file is read. */
    private static final class Reader {
        private final FileContext file;
        private final List<String> errors;

        Reader(FileContext file, List<String> errors) {
            this.file = file;
            this.errors = errors;
        }

        /** The mapping at {@code path} under {@code parent} (its last name), its keys checked; null when absent. */
        JsonNode section(JsonNode parent, String path) {
            String name = path.substring(path.lastIndexOf('.') + 1);
            JsonNode node = parent == null ? null : parent.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            Set<String> keys = SECTIONS.get(path);
            if (!node.isObject()) {
                errors.add(file.key(path) + ": expected a mapping with keys " + String.join(", ", new TreeSet<>(keys)));
                return null;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!keys.contains(key)) {
                    String hint = Names.nearest(key, keys).map(n -> "did you mean " + path + "." + n + "?")
                            .orElse("valid keys: " + String.join(", ", new TreeSet<>(keys)));
                    errors.add(file.key(path + "." + key) + ": unknown key; " + hint);
                }
            }
            return node;
        }

        String scalar(JsonNode parent, String name, String path) {
            JsonNode node = parent == null ? null : parent.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isContainerNode()) {
                errors.add(file.key(path) + ": expected a single value");
                return null;
            }
            return node.asText();
        }

        Path path(JsonNode parent, String name, String path) {
            String raw = scalar(parent, name, path);
            return raw == null || raw.isBlank() ? null : file.resolve(raw.trim());
        }

        /** A cache TTL: zero means the default, as in the kubelet; negative is an error. */
        Duration ttl(JsonNode parent, String name, String path) {
            String raw = scalar(parent, name, path);
            if (raw == null) {
                return null;
            }
            Duration d = Values.duration(file.key(path), raw, errors);
            if (d != null && d.isNegative()) {
                errors.add(file.key(path) + ": " + Values.quote(raw) + " must not be negative");
                return null;
            }
            return d == null || d.isZero() ? null : d;
        }

        List<String> suites(JsonNode node) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isArray()) {
                errors.add(file.key("tlsCipherSuites") + ": expected a list of cipher suite names");
                return null;
            }
            List<String> names = new ArrayList<>();
            node.forEach(n -> names.add(n.asText()));
            return TlsNames.cipherSuites(file.key("tlsCipherSuites"), names, errors);
        }
    }
}
