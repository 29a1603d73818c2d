package io.staticpod.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Docker's JSON about containers, read into the SPI's records, the same way by every Docker adapter: the inspect
 * document ({@code GET /containers/{id}/json}, {@code docker inspect}) and an entry of the list
 * ({@code GET /containers/json}). Only the fields used are read; unknown ones are ignored.
 *
 * <p>Rules: Docker's {@code 0001-01-01T00:00:00Z} means "never" (null). A container Docker shows as
 * {@code created} with an exit code or an error never ran: its status is EXITED with reason {@code StartError}, its
 * finish time its creation time (Docker records none). A list shows it as CREATED, as dockershim's did: a list has
 * no exit code. Summaries carry the creation time in whole seconds, which is all a list has, so that a summary read
 * from an inspect document equals the one read from a list. Names that are not ours ({@link DockerNaming}) and
 * objects without our type label are not ours: empty.
 */
public final class DockerObjects {

    private DockerObjects() {
    }

    /** Docker's {@code State.Status} (or a list's {@code State}) as the SPI's state, ignoring exit codes. */
    public static ContainerState state(String status) {
        switch (status.toLowerCase(Locale.ROOT)) {
            case "created":
                return ContainerState.CREATED;
            case "running":
            case "paused":      // its processes still exist
            case "restarting":  // never with restart policy "no"
                return ContainerState.RUNNING;
            case "exited":
            case "dead":
            case "removing":
                return ContainerState.EXITED;
            default:
                return ContainerState.UNKNOWN;
        }
    }

    /** An inspect document as a container's status; empty if it is not one of our containers. */
    public static Optional<ContainerStatus> containerStatus(JsonNode inspect) {
        Map<String, String> labels = labels(inspect.path("Config").path("Labels"));
        Optional<DockerNaming.Parsed> name = DockerNaming.parse(inspect.path("Name").asText(""));
        if (!DockerLabels.isContainer(labels) || name.isEmpty() || name.get().sandbox()) {
            return Optional.empty();
        }
        JsonNode s = inspect.path("State");
        ContainerState state = state(s.path("Status").asText(""));
        int exitCode = s.path("ExitCode").asInt(0);
        String error = emptyToNull(s.path("Error").asText(""));
        Instant createdAt = time(inspect.path("Created").asText(""));
        Instant finishedAt = time(s.path("FinishedAt").asText(""));
        String reason = null;
        if (state == ContainerState.CREATED && (exitCode != 0 || error != null)) {
            state = ContainerState.EXITED;
            reason = "StartError";
            finishedAt = finishedAt == null ? createdAt : finishedAt;
        } else if (state == ContainerState.EXITED) {
            reason = s.path("OOMKilled").asBoolean(false) ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error";
        }
        return Optional.of(new ContainerStatus(
                inspect.path("Id").asText(),
                name.get().container(),
                name.get().pod().attempt(),
                inspect.path("Config").path("Image").asText(null),
                emptyToNull(inspect.path("Image").asText("")),
                state,
                createdAt,
                time(s.path("StartedAt").asText("")),
                state == ContainerState.EXITED ? finishedAt : null,
                state == ContainerState.EXITED ? exitCode : 0,
                reason,
                state == ContainerState.EXITED ? error : null,
                DockerLabels.labels(labels),
                DockerLabels.annotations(labels),
                null));
    }

    /** An inspect document as a container summary; empty if it is not one of our containers. */
    public static Optional<ContainerSummary> containerSummary(JsonNode inspect) {
        return containerSummary(inspect.path("Id").asText(), inspect.path("Name").asText(""),
                labels(inspect.path("Config").path("Labels")), inspect.path("Config").path("Image").asText(null),
                emptyToNull(inspect.path("Image").asText("")), inspect.path("State").path("Status").asText(""),
                seconds(time(inspect.path("Created").asText(""))));
    }

    /** A list entry as a container summary; empty if it is not one of our containers. */
    public static Optional<ContainerSummary> containerSummaryOfListEntry(JsonNode entry) {
        return containerSummary(entry.path("Id").asText(), firstName(entry), labels(entry.path("Labels")),
                entry.path("Image").asText(null), emptyToNull(entry.path("ImageID").asText("")),
                entry.path("State").asText(""), Instant.ofEpochSecond(entry.path("Created").asLong()));
    }

    private static Optional<ContainerSummary> containerSummary(String id, String dockerName, Map<String, String> labels,
                                                               String image, String imageRef, String status,
                                                               Instant createdAt) {
        Optional<DockerNaming.Parsed> name = DockerNaming.parse(dockerName);
        if (!DockerLabels.isContainer(labels) || name.isEmpty() || name.get().sandbox()) {
            return Optional.empty();
        }
        return Optional.of(new ContainerSummary(id, labels.get(DockerLabels.SANDBOX_ID), name.get().container(),
                name.get().pod().attempt(), image, imageRef, state(status), createdAt, DockerLabels.labels(labels),
                DockerLabels.annotations(labels)));
    }

    /** An inspect document of a pause container as a sandbox's status; empty if it is not one of our sandboxes. */
    public static Optional<SandboxStatus> sandboxStatus(JsonNode inspect) {
        return sandbox(inspect).map(sandbox -> {
            boolean host = "host".equals(inspect.path("HostConfig").path("NetworkMode").asText(""));
            String ip = null;
            String netns = null;
            if (!host && sandbox.ready()) {
                JsonNode net = inspect.path("NetworkSettings");
                ip = emptyToNull(net.path("IPAddress").asText(""));
                for (Iterator<JsonNode> it = net.path("Networks").elements(); ip == null && it.hasNext(); ) {
                    ip = emptyToNull(it.next().path("IPAddress").asText(""));
                }
                // the pause process's namespace: the engine's own file for it (SandboxKey) lies in the engine's
                // mount namespace, which need not be the agent's
                long pid = inspect.path("State").path("Pid").asLong(0);
                netns = pid > 0 ? "/proc/" + pid + "/ns/net" : null;
            }
            return new SandboxStatus(sandbox, ip, host ? NamespaceMode.NODE : NamespaceMode.POD, netns);
        });
    }

    /** An inspect document of a pause container as a sandbox; empty if it is not one of our sandboxes. */
    public static Optional<Sandbox> sandbox(JsonNode inspect) {
        return sandbox(inspect.path("Id").asText(), inspect.path("Name").asText(""),
                labels(inspect.path("Config").path("Labels")), inspect.path("State").path("Status").asText(""),
                seconds(time(inspect.path("Created").asText(""))));
    }

    /** A list entry of a pause container as a sandbox; empty if it is not one of our sandboxes. */
    public static Optional<Sandbox> sandboxOfListEntry(JsonNode entry) {
        return sandbox(entry.path("Id").asText(), firstName(entry), labels(entry.path("Labels")),
                entry.path("State").asText(""), Instant.ofEpochSecond(entry.path("Created").asLong()));
    }

    private static Optional<Sandbox> sandbox(String id, String dockerName, Map<String, String> labels, String status,
                                             Instant createdAt) {
        Optional<DockerNaming.Parsed> name = DockerNaming.parse(dockerName);
        if (!DockerLabels.isSandbox(labels) || name.isEmpty() || !name.get().sandbox()) {
            return Optional.empty();
        }
        SandboxState state = state(status) == ContainerState.RUNNING ? SandboxState.READY : SandboxState.NOT_READY;
        return Optional.of(new Sandbox(id, name.get().pod(), state, createdAt, DockerLabels.labels(labels),
                DockerLabels.annotations(labels)));
    }

    /** The two forms of Docker's documents about containers, each read by its own readers. */
    public enum Form {
        /** An entry of the list ({@code GET /containers/json}). */
        LIST_ENTRY(DockerObjects::sandboxOfListEntry, DockerObjects::containerSummaryOfListEntry),
        /** An inspect document ({@code GET /containers/{id}/json}, {@code docker inspect}). */
        INSPECT(DockerObjects::sandbox, DockerObjects::containerSummary);

        private final Function<JsonNode, Optional<Sandbox>> sandbox;
        private final Function<JsonNode, Optional<ContainerSummary>> containerSummary;

        Form(Function<JsonNode, Optional<Sandbox>> sandbox,
             Function<JsonNode, Optional<ContainerSummary>> containerSummary) {
            this.sandbox = sandbox;
            this.containerSummary = containerSummary;
        }

        /** A document of this form as a sandbox; empty if it is not one of our sandboxes. */
        public Optional<Sandbox> sandbox(JsonNode document) {
            return sandbox.apply(document);
        }

        /** A document of this form as a container summary; empty if it is not one of our containers. */
        public Optional<ContainerSummary> containerSummary(JsonNode document) {
            return containerSummary.apply(document);
        }
    }

    /**
     * What {@code reader} ({@link #sandbox}, {@link #containerSummaryOfListEntry} …) makes of each of Docker's
     * documents, in their order, leaving out those it finds not ours.
     */
    public static <T> List<T> read(Iterable<JsonNode> documents, Function<JsonNode, Optional<T>> reader) {
        List<T> read = new ArrayList<>();
        for (JsonNode document : documents) {
            reader.apply(document).ifPresent(read::add);
        }
        return read;
    }

    /** Docker's labels object (null or missing: none). */
    public static Map<String, String> labels(JsonNode labels) {
        Map<String, String> map = new LinkedHashMap<>();
        labels.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText("")));
        return map;
    }

    private static String firstName(JsonNode entry) {
        JsonNode names = entry.path("Names");
        return names.isArray() && names.size() > 0 ? names.get(0).asText("") : "";
    }

    static Instant time(String text) {
        if (text.isBlank() || text.startsWith("0001-01-01")) {
            return null;
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static Instant seconds(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
    }

    private static String emptyToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
