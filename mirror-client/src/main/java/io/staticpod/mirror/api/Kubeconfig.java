package io.staticpod.mirror.api;

import io.fabric8.kubernetes.client.Config;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node's kubeconfig as a fabric8 {@link Config}: the current context's server, CA, client certificate and key, or
 * token, or user name and password; relative file names resolved against the kubeconfig's directory, as kubectl does.
 *
 * <p>Why not fabric8's own {@code Config.fromKubeconfig} for these: it reads the file through fabric8's static
 * serialization, which first loads and registers every resource class of its model (about 300) and keeps them, about
 * 5 MiB of class metadata and more of heap for the life of the agent, to read a dozen strings. A kubeconfig that
 * uses anything else (an exec or auth-provider plugin, impersonation, a proxy) is read by fabric8's own parser
 * ({@link #usesOnlyWhatIsReadHere}), so everything fabric8 supports still works.
 */
final class Kubeconfig {
    private static final Set<String> CLUSTER_KEYS = Set.of("server", "certificate-authority",
            "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name", "extensions");
    private static final Set<String> USER_KEYS = Set.of("client-certificate", "client-certificate-data",
            "client-key", "client-key-data", "token", "tokenFile", "username", "password", "extensions");

    private Kubeconfig() {
    }

    /**
     * The current context's settings.
     *
     * @throws IllegalArgumentException naming what is wrong: no current context, a context, cluster or user it
     *                                  names missing, a token file that cannot be read
     * @throws RuntimeException         the YAML parser's, whose message quotes the text (keys): never to be shown
     */
    static Config read(Path file) throws IOException {
        Object root = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
        Map<?, ?> config = map(root, "the file");
        String contextName = text(config, "current-context");
        if (contextName == null) {
            throw new IllegalArgumentException("no current-context");
        }
        Map<?, ?> context = named(config, "contexts", "context", contextName);
        String clusterName = text(context, "cluster");
        String userName = text(context, "user");
        Map<?, ?> cluster = named(config, "clusters", "cluster", clusterName);
        Map<?, ?> user = userName == null ? Map.of() : named(config, "users", "user", userName);
        if (!usesOnlyWhatIsReadHere(cluster, user)) {
            return Config.fromKubeconfig(null, file.toFile());
        }
        Path dir = file.toAbsolutePath().getParent();
        Config c = Config.empty();
        c.setMasterUrl(text(cluster, "server"));
        c.setNamespace(text(context, "namespace"));
        c.setTrustCerts(Boolean.parseBoolean(text(cluster, "insecure-skip-tls-verify")));
        c.setTlsServerName(text(cluster, "tls-server-name"));
        c.setCaCertData(text(cluster, "certificate-authority-data"));
        c.setCaCertFile(path(dir, text(cluster, "certificate-authority")));
        c.setClientCertData(text(user, "client-certificate-data"));
        c.setClientCertFile(path(dir, text(user, "client-certificate")));
        c.setClientKeyData(text(user, "client-key-data"));
        c.setClientKeyFile(path(dir, text(user, "client-key")));
        c.setUsername(text(user, "username"));
        c.setPassword(text(user, "password"));
        String token = text(user, "token");
        String tokenFile = path(dir, text(user, "tokenFile"));
        if (token == null && tokenFile != null) {
            try {
                token = Files.readString(Path.of(tokenFile)).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read tokenFile " + tokenFile + ": " + e.getMessage());
            }
        }
        c.setAutoOAuthToken(token);
        return c;
    }

    /** Whether the cluster and user entries hold only what {@link #read} sets. */
    static boolean usesOnlyWhatIsReadHere(Map<?, ?> cluster, Map<?, ?> user) {
        return CLUSTER_KEYS.containsAll(cluster.keySet()) && USER_KEYS.containsAll(user.keySet());
    }

    /** The entry of {@code list} ({@code clusters}) named {@code name}: its {@code field} ({@code cluster}). */
    private static Map<?, ?> named(Map<?, ?> config, String list, String field, String name) {
        if (name == null) {
            throw new IllegalArgumentException("the current context names no " + field);
        }
        Object entries = config.get(list);
        if (entries instanceof List<?> l) {
            for (Object entry : l) {
                if (entry instanceof Map<?, ?> m && name.equals(text(m, "name"))) {
                    return map(m.get(field), field + " " + name);
                }
            }
        }
        throw new IllegalArgumentException("no " + field + " named " + name + " in " + list);
    }

    private static Map<?, ?> map(Object o, String what) {
        if (o == null) {
            return Map.of();
        }
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new IllegalArgumentException(what + " is not a mapping");
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = m.get(key);
        return v == null ? null : v.toString();
    }

    private static String path(Path dir, String name) {
        return name == null || name.isEmpty() ? null : dir.resolve(name).toString();
    }
}
