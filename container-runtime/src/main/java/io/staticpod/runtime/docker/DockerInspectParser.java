package io.staticpod.runtime.docker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.runtime.ContainerInfo;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns {@code docker inspect} JSON (an array of containers) into {@link ContainerInfo}s. Only the fields we use are
 * read, everything else is ignored, so newer engines that add fields do not break us.
 *
 * <p>Docker writes {@code 0001-01-01T00:00:00Z} for "never" (a container never started or never finished): that
 * becomes null, as does an empty IP address (host network, joined network, stopped) and an empty
 * {@code State.Error}. Times are passed on as Docker reports them: for a process that exits within a millisecond,
 * {@code FinishedAt} can be a little <em>before</em> {@code StartedAt} (seen on 20.10.24), so durations computed from
 * them must tolerate a negative value.
 */
final class DockerInspectParser {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private DockerInspectParser() {
    }

    /** Parses the whole output of {@code docker inspect}; blank output is an empty list. */
    static List<ContainerInfo> parse(String json) {
        if (json.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot parse `docker inspect` output: " + e.getOriginalMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalStateException("`docker inspect` output is not a JSON array");
        }
        List<ContainerInfo> containers = new ArrayList<>();
        for (JsonNode node : root) {
            containers.add(container(node));
        }
        return containers;
    }

    private static ContainerInfo container(JsonNode node) {
        JsonNode state = node.path("State");
        JsonNode config = node.path("Config");
        ContainerInfo.State status = state(state.path("Status").asText(""));
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText("")));
        String name = node.path("Name").asText("");
        return new ContainerInfo(
                node.path("Id").asText(),
                name.startsWith("/") ? name.substring(1) : name,
                config.path("Image").asText(null),
                emptyToNull(node.path("Image").asText("")),
                labels,
                status,
                status == ContainerInfo.State.EXITED ? state.path("ExitCode").asInt() : 0,
                state.path("OOMKilled").asBoolean(false),
                time(node.path("Created").asText("")),
                time(state.path("StartedAt").asText("")),
                time(state.path("FinishedAt").asText("")),
                emptyToNull(node.path("NetworkSettings").path("IPAddress").asText("")),
                emptyToNull(state.path("Error").asText("")));
    }

    /** Docker's {@code State.Status}: created, running, paused, restarting, removing, exited, dead. */
    static ContainerInfo.State state(String status) {
        switch (status.toLowerCase(Locale.ROOT)) {
            case "created":
                return ContainerInfo.State.CREATED;
            case "running":
            case "paused":      // its processes still exist
            case "restarting":  // never with --restart=no, but running as far as a restart policy is concerned
                return ContainerInfo.State.RUNNING;
            case "exited":
            case "dead":
                return ContainerInfo.State.EXITED;
            default:
                return ContainerInfo.State.UNKNOWN;
        }
    }

    static Instant time(String text) {
        if (text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static String emptyToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
