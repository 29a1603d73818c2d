package io.staticpod.runtime.docker;

import com.fasterxml.jackson.databind.JsonNode;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Containers as every Docker adapter reads them, whatever its transport: a status is the container's inspect
 * document, a list (of containers, of sandboxes, or both for a snapshot) is one search by labels whose documents are
 * read in the {@link DockerObjects.Form} the transport's search returns. A subclass creates, starts, stops and removes
 * containers, and inspects and searches, on its own transport; the {@link DockerSandboxes} of its adapter go through
 * it too.
 */
public abstract class DockerContainers implements Containers {

    /** Added to a stop's grace for its deadline: the kill and the exit take time too. */
    public static final long STOP_MARGIN_SECONDS = 30;

    /** The subclass's own logger. */
    private final Logger log = LoggerFactory.getLogger(getClass());
    private final DockerObjects.Form form;

    /** @param form the form of the documents {@link #find} returns */
    protected DockerContainers(DockerObjects.Form form) {
        this.form = form;
    }

    /**
     * The documents, in this adapter's {@link DockerObjects.Form}, of every container (running or not) with all these
     * labels, and our type label {@code type} when it is not null.
     */
    protected abstract Iterable<JsonNode> find(String what, Map<String, String> labels, String type);

    /** The inspect document of a container (by id or name), or empty when the engine has none. */
    protected abstract Optional<JsonNode> inspect(String what, String idOrName);

    /**
     * The ids of every container with all these labels and our type label {@code type}, or of the running ones only.
     */
    protected abstract List<String> ids(String what, Map<String, String> labels, String type, boolean runningOnly);

    /**
     * When a create finds the name it needs taken by {@code leftover} (an agent that died half-way): refuses when the
     * leftover runs, unless {@code evenIfRunning}, else says that it is removed; the caller removes it and creates
     * again.
     *
     * @throws RuntimeError.Refused when a running container holds the name
     */
    protected final void replacingLeftover(String what, String name, Optional<JsonNode> leftover,
                                           boolean evenIfRunning) {
        if (!evenIfRunning && leftover.isPresent() && leftover.get().path("State").path("Running").asBoolean(false)) {
            throw new RuntimeError.Refused("docker: " + what + ": the name " + name
                    + " is in use by a running container, " + DockerNaming.shortId(leftover.get().path("Id").asText()),
                    null);
        }
        log.warn("Removing leftover container with the same name container={}", name);
    }

    /** A stop's grace in whole seconds, as the engine takes it: rounded up, never negative. */
    protected static long graceSeconds(Duration grace) {
        return Math.max(0, (grace.toMillis() + 999) / 1000);
    }

    /** The deadline of a stop with this grace: the grace plus {@value #STOP_MARGIN_SECONDS} s. */
    protected static Duration stopDeadline(long graceSeconds) {
        return Duration.ofSeconds(graceSeconds + STOP_MARGIN_SECONDS);
    }

    /** Stops these containers with this grace, one {@link #stop} each; missing ones are fine. */
    public void stopAll(List<String> ids, Duration grace) {
        for (String id : ids) {
            stop(id, grace);
        }
    }

    /** Removes these containers, forcibly, in this order, one {@link #remove} each; missing ones are fine. */
    public void removeAll(List<String> ids) {
        for (String id : ids) {
            remove(id);
        }
    }

    @Override
    public final Optional<ContainerStatus> status(String containerId) {
        return inspect("status of container " + DockerNaming.shortId(containerId), containerId)
                .flatMap(DockerObjects::containerStatus);
    }

    @Override
    public final List<ContainerSummary> list(Map<String, String> labels) {
        return DockerObjects.read(find("list containers", labels, DockerLabels.CONTAINER_TYPE), form::containerSummary);
    }

    /** Every sandbox (pause container) with all these labels. */
    final List<Sandbox> sandboxes(Map<String, String> labels) {
        return DockerObjects.read(find("list sandboxes", labels, DockerLabels.SANDBOX_TYPE), form::sandbox);
    }

    /** Every sandbox and container with all these labels, from one {@link #find}. */
    final RuntimeSnapshot snapshot(Map<String, String> labels) {
        Iterable<JsonNode> found = find("snapshot", labels, null);
        return new RuntimeSnapshot(DockerObjects.read(found, form::sandbox),
                DockerObjects.read(found, form::containerSummary));
    }
}
