package io.staticpod.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the agent reads from a {@code KubeletConfiguration} file: the kubelet fields it acts on and its own
 * {@code staticPodAgent:} section. Every other field of the kubelet's is accepted and named in
 * {@link #ignoredFields}. Fields absent from the file are null here; {@link ConfigLoader} applies the defaults.
 *
 * <p>As in the kubelet, a zero duration ({@code 0s}, which kubeadm writes for every duration it leaves alone)
 * means the default, and a relative {@code staticPodPath} is relative to the file's directory.
 */
record KubeletConfigFile(Path staticPodPath,
                         Duration fileCheckFrequency,
                         Duration syncFrequency,
                         String healthzBindAddress,
                         Integer healthzPort,
                         AgentConfig.RuntimeKind runtime,
                         String podInfraContainerImage,
                         Path rootDir,
                         String logLevel,
                         Boolean strictManifestPermissions,
                         String runtimeEndpoint,
                         String dockerCli,
                         List<String> ignoredFields,
                         NodeApiSettings.FromFile nodeApi,
                         ContainerLogLimits containerLogs) {
    static final String API_VERSION = "kubelet.config.k8s.io/v1beta1";
    static final String KIND = "KubeletConfiguration";
    static final String SECTION = "staticPodAgent";

    static final KubeletConfigFile NONE =
            new KubeletConfigFile(null, null, null, null, null, null, null, null, null, null, null, null, List.of(),
                    NodeApiSettings.FromFile.NONE, ContainerLogLimits.DEFAULTS);

    /** A file that could not be read or parsed (already reported): nothing in it is known. */
    static final KubeletConfigFile UNREADABLE =
            new KubeletConfigFile(null, null, null, null, null, null, null, null, null, null, null, null, List.of(),
                    NodeApiSettings.FromFile.NONE, ContainerLogLimits.DEFAULTS);

    /** Top-level keys the agent reads; all others are ignored. */
    private static final Set<String> READ = union(Set.of("apiVersion", "kind", "staticPodPath", "fileCheckFrequency",
            "syncFrequency", "healthzBindAddress", "healthzPort", "containerRuntimeEndpoint", SECTION),
            union(NodeApiSettings.FIELDS, ContainerLogLimits.FIELDS));
    private static final Set<String> SECTION_KEYS = Set.of("runtime", "podInfraContainerImage", "rootDir", "logLevel",
            "strictManifestPermissions", "dockerCli", "nodeIP");

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    KubeletConfigFile {
        ignoredFields = List.copyOf(ignoredFields);
        nodeApi = nodeApi == null ? NodeApiSettings.FromFile.NONE : nodeApi;
        containerLogs = containerLogs == null ? ContainerLogLimits.DEFAULTS : containerLogs;
    }

    /** Reads {@code file} (absolute), adding every problem to {@code errors}. */
    static KubeletConfigFile read(Path file, List<String> errors) {
        String text;
        if (!Files.exists(file)) {
            errors.add("--config: " + file + " does not exist");
            return UNREADABLE;
        }
        if (Files.isDirectory(file)) {
            errors.add("--config: " + file + " is a directory; name the KubeletConfiguration file in it");
            return UNREADABLE;
        }
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            errors.add("--config: cannot read " + file + ": " + e);
            return UNREADABLE;
        }
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            errors.add(file + (line > 0 ? ":" + line : "") + ": not valid YAML: " + e.getOriginalMessage());
            return UNREADABLE;
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            errors.add(file + ": is empty; expected apiVersion: " + API_VERSION + " and kind: " + KIND);
            return UNREADABLE;
        }
        if (!root.isObject()) {
            errors.add(file + ": expected a " + KIND + " mapping, found a " + describe(root));
            return UNREADABLE;
        }
        return new Reader(file, errors).read(root);
    }

    private static String describe(JsonNode node) {
        return node.isArray() ? "list" : node.isObject() ? "mapping" : "scalar (" + node.asText() + ")";
    }

    /** Holds the file name and the error list while one file is read. */
    private static final class Reader {
        private final Path file;
        private final List<String> errors;

        Reader(Path file, List<String> errors) {
            this.file = file;
            this.errors = errors;
        }

        KubeletConfigFile read(JsonNode root) {
            String apiVersion = scalar(root, "apiVersion");
            String kind = scalar(root, "kind");
            if (!API_VERSION.equals(apiVersion)) {
                errors.add(key("apiVersion") + ": " + (apiVersion == null ? "missing" : Values.quote(apiVersion))
                        + "; expected " + API_VERSION);
            }
            if (!KIND.equals(kind)) {
                errors.add(key("kind") + ": " + (kind == null ? "missing" : Values.quote(kind)) + "; expected " + KIND);
            }
            Set<String> ignored = new TreeSet<>();
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (READ.contains(name)) {
                    continue;
                }
                // a near miss of a field we read is a typo, unless the kubelet itself has a field of that name
                var near = Names.nearest(name, READ);
                if (near.isPresent() && Names.distance(name, near.get()) <= 2
                        && !KubeletFields.V1BETA1.contains(name)) {
                    errors.add(key(name) + ": unknown key; did you mean " + near.get() + "?");
                } else {
                    ignored.add(name);
                }
            }

            String staticPodPath = scalar(root, "staticPodPath");
            String fileCheck = scalar(root, "fileCheckFrequency");
            String sync = scalar(root, "syncFrequency");
            String bind = scalar(root, "healthzBindAddress");
            String port = scalar(root, "healthzPort");
            String endpoint = scalar(root, "containerRuntimeEndpoint");

            Section section = section(root.get(SECTION));
            JsonNode sectionNode = root.get(SECTION);
            String nodeIp = sectionNode != null && sectionNode.isObject()
                    ? scalar(sectionNode, "nodeIP", SECTION + ".nodeIP") : null;
            NodeApiSettings.FromFile nodeApi = NodeApiSettings.read(root, nodeIp, new NodeApiSettings.FileContext() {
                @Override
                public String key(String name) {
                    return Reader.this.key(name);
                }

                @Override
                public Path resolve(String path) {
                    return Reader.this.resolve(path);
                }
            }, errors);
            return new KubeletConfigFile(
                    staticPodPath == null || staticPodPath.isEmpty() ? null : resolve(staticPodPath),
                    fileCheck == null ? null : defaultedFrequency("fileCheckFrequency", fileCheck),
                    sync == null ? null : defaultedFrequency("syncFrequency", sync),
                    bind == null || bind.isEmpty() ? null : Values.ipAddress(key("healthzBindAddress"), bind, errors),
                    port == null ? null : Values.port(key("healthzPort"), port, errors),
                    section.runtime, section.podInfraContainerImage, section.rootDir, section.logLevel,
                    section.strictManifestPermissions,
                    endpoint == null || endpoint.isBlank() ? null
                            : Values.endpoint(key("containerRuntimeEndpoint"), endpoint, errors),
                    section.dockerCli, List.copyOf(ignored), nodeApi,
                    ContainerLogLimits.read(root, this::key, errors));
        }

        private Section section(JsonNode node) {
            Section s = new Section();
            if (node == null || node.isNull()) {
                return s;
            }
            if (!node.isObject()) {
                errors.add(key(SECTION) + ": expected a mapping with keys " + String.join(", ", new TreeSet<>(SECTION_KEYS))
                        + ", found a " + describe(node));
                return s;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String name = it.next().getKey();
                if (!SECTION_KEYS.contains(name)) {
                    String hint = Names.nearest(name, SECTION_KEYS)
                            .map(n -> "did you mean " + SECTION + "." + n + "?")
                            .orElse("valid keys: " + String.join(", ", new TreeSet<>(SECTION_KEYS)));
                    errors.add(key(SECTION + "." + name) + ": unknown key; " + hint);
                }
            }
            String runtime = scalar(node, "runtime", SECTION + ".runtime");
            String image = scalar(node, "podInfraContainerImage", SECTION + ".podInfraContainerImage");
            String rootDir = scalar(node, "rootDir", SECTION + ".rootDir");
            String logLevel = scalar(node, "logLevel", SECTION + ".logLevel");
            if (runtime != null) {
                s.runtime = Values.runtime(key(SECTION + ".runtime"), runtime, errors);
            }
            if (image != null && !image.isBlank()) {
                s.podInfraContainerImage = image.trim();
            }
            if (rootDir != null && !rootDir.isBlank()) {
                s.rootDir = resolve(rootDir);
            }
            if (logLevel != null) {
                s.logLevel = Values.logLevel(key(SECTION + ".logLevel"), logLevel, errors);
            }
            String dockerCli = scalar(node, "dockerCli", SECTION + ".dockerCli");
            if (dockerCli != null && !dockerCli.isBlank()) {
                s.dockerCli = dockerCli.trim();
            }
            String strict = scalar(node, "strictManifestPermissions", SECTION + ".strictManifestPermissions");
            if (strict != null) {
                s.strictManifestPermissions = Values.bool(key(SECTION + ".strictManifestPermissions"), strict, errors);
            }
            return s;
        }

        /** The kubelet defaults a zero duration; a negative one is an error. */
        private Duration defaultedFrequency(String name, String raw) {
            Duration d = Values.duration(key(name), raw, errors);
            if (d == null || d.isZero()) {
                return null;
            }
            if (d.isNegative()) {
                errors.add(key(name) + ": " + Values.quote(raw) + " must be greater than 0, such as 20s");
                return null;
            }
            return d;
        }

        private String scalar(JsonNode parent, String name) {
            return scalar(parent, name, name);
        }

        /** The text of a scalar field, null when absent or null; an error when it is a list or mapping. */
        private String scalar(JsonNode parent, String name, String path) {
            JsonNode node = parent.get(name);
            if (node == null || node.isNull()) {
                return null;
            }
            if (node.isContainerNode()) {
                errors.add(key(path) + ": expected a single value, found a " + describe(node));
                return null;
            }
            return node.asText();
        }

        private Path resolve(String path) {
            return file.getParent().resolve(path).toAbsolutePath().normalize();
        }

        private String key(String name) {
            return file + ": " + name;
        }
    }

    /** Values of the staticPodAgent: section while they are read. */
    private static final class Section {
        AgentConfig.RuntimeKind runtime;
        String podInfraContainerImage;
        Path rootDir;
        String logLevel;
        Boolean strictManifestPermissions;
        String dockerCli;
    }
}
