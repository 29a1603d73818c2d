package io.staticpod.runtime.ctr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.spi.RuntimeError;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsers of {@code ctr} 1.6 output: the {@code tasks ls} and {@code images ls} tables, {@code containers ls -q},
 * and the JSON of {@code containers info} and of image manifests, indexes and configs ({@code content get}). JSON
 * fields we do not use are ignored.
 */
public final class CtrOutput {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private CtrOutput() {
    }

    /** A task as {@code ctr tasks ls} shows it: no exit status, no times. */
    public record Task(String id, long pid, String status) {
        public boolean running() {
            return status.equals("RUNNING") || status.equals("PAUSED") || status.equals("PAUSING");
        }

        public boolean stopped() {
            return status.equals("STOPPED");
        }
    }

    /** A container as {@code ctr containers info} shows it: all labels (ours included), image, creation time. */
    public record Container(String id, Map<String, String> labels, String image, Instant createdAt) {
        public Container {
            labels = Map.copyOf(labels);
        }

        public String label(String key) {
            return labels.get(key);
        }
    }

    /** What a container needs from its image's config. */
    public record ImageConfig(String configDigest, List<String> entrypoint, List<String> cmd) {
        public ImageConfig {
            entrypoint = List.copyOf(entrypoint);
            cmd = List.copyOf(cmd);
        }
    }

    /** {@code ctr tasks ls}: {@code TASK PID STATUS} rows under a header, by task (= container) id. */
    public static Map<String, Task> tasks(String stdout) {
        Map<String, Task> tasks = new LinkedHashMap<>();
        for (String line : stdout.lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[1].chars().allMatch(Character::isDigit)) {
                tasks.put(f[0], new Task(f[0], Long.parseLong(f[1]), f[2]));
            }
        }
        return tasks;
    }

    /** {@code ctr containers ls -q}: one id a line. */
    public static List<String> ids(String stdout) {
        return stdout.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code ctr images ls name==REF}: the manifest (or index) digest of the row naming {@code ref} exactly. */
    public static Optional<String> imageDigest(String stdout, String ref) {
        for (String line : stdout.lines().skip(1).toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[0].equals(ref) && f[2].startsWith("sha256:")) {
                return Optional.of(f[2]);
            }
        }
        return Optional.empty();
    }

    /** The server version in {@code ctr version} output ({@code Server:} section), e.g. {@code 1.6.20~ds1}. */
    public static Optional<String> serverVersion(String stdout) {
        return version(stdout, "Server:");
    }

    /** The client's (ctr's own) version in {@code ctr version} output ({@code Client:} section). */
    public static Optional<String> clientVersion(String stdout) {
        return version(stdout, "Client:");
    }

    private static Optional<String> version(String stdout, String section) {
        boolean in = false;
        for (String line : stdout.lines().map(String::strip).toList()) {
            if (line.endsWith(":") && !line.contains(" ")) {
                in = line.equals(section);
            } else if (in && line.startsWith("Version:")) {
                return Optional.of(line.substring("Version:".length()).strip());
            }
        }
        return Optional.empty();
    }

    /** {@code ctr containers info ID}. */
    public static Container container(String json) {
        JsonNode node = read(json, "ctr containers info");
        Map<String, String> labels = new LinkedHashMap<>();
        node.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText("")));
        return new Container(node.path("ID").asText(), labels, node.path("Image").asText(""),
                time(node.path("CreatedAt").asText("")));
    }

    /**
     * The digest to follow in a manifest or an index ({@code content get}): for a manifest the config's digest, for
     * an index (or Docker manifest list) the manifest for {@code os}/{@code arch}, else its first manifest.
     */
    static Child child(String json, String os, String arch) {
        JsonNode node = read(json, "ctr content get (manifest)");
        if (node.has("manifests")) {
            JsonNode chosen = null;
            for (JsonNode m : node.path("manifests")) {
                JsonNode p = m.path("platform");
                if (chosen == null || (p.path("os").asText().equals(os) && p.path("architecture").asText().equals(arch))) {
                    chosen = m;
                }
                if (p.path("os").asText().equals(os) && p.path("architecture").asText().equals(arch)) {
                    break;
                }
            }
            if (chosen == null) {
                throw new RuntimeError.ImageUnavailable("image index lists no manifest", null);
            }
            return new Child(chosen.path("digest").asText(), false);
        }
        String config = node.path("config").path("digest").asText("");
        if (config.isEmpty()) {
            throw new RuntimeError.ImageUnavailable("image manifest names no config", null);
        }
        return new Child(config, true);
    }

    /** The next digest to fetch; {@code config} when it is the image config, else a manifest. */
    record Child(String digest, boolean config) {
    }

    /** An image config ({@code content get}): its {@code config.Entrypoint} and {@code config.Cmd}. */
    static ImageConfig imageConfig(String digest, String json) {
        JsonNode config = read(json, "ctr content get (image config)").path("config");
        return new ImageConfig(digest, strings(config.path("Entrypoint")), strings(config.path("Cmd")));
    }

    public static Instant time(String text) {
        if (text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array) {
            out.add(n.asText());
        }
        return out;
    }

    private static JsonNode read(String json, String what) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new RuntimeError.Unavailable("cannot parse the output of `" + what + "` (is ctr as new as containerd?): "
                    + e.getOriginalMessage(), e);
        }
    }
}
