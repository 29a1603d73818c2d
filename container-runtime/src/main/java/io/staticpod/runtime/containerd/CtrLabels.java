package io.staticpod.runtime.containerd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels the adapter keeps on each containerd container for itself, under one prefix. They are how a new
 * {@link CtrRuntime} (a restarted agent) knows everything about a container without a state file, and they are
 * never shown in {@link io.staticpod.runtime.ContainerInfo#labels()}. ctr adds one label of its own,
 * {@link #IMAGE_STOP_SIGNAL}, which is hidden too.
 */
final class CtrLabels {

    static final String PREFIX = "static-pod-agent.ctr/";
    /** The container's name ({@link io.staticpod.runtime.LaunchSpec#name()}); the containerd id is random. */
    static final String NAME = PREFIX + "name";
    /** The image reference as asked for (the container's own Image field is the normalised one). */
    static final String IMAGE = PREFIX + "image";
    /** The image config's digest at start: the image id, as Docker reports it. */
    static final String IMAGE_ID = PREFIX + "image-id";
    /** The stop signal asked for; absent means the image's, else SIGTERM. */
    static final String STOP_SIGNAL = PREFIX + "stop-signal";
    /** Where the shim writes the container's stdout and stderr. */
    static final String LOG_PATH = PREFIX + "log-path";
    /** Written when the stopped task was deleted: its exact exit status. */
    static final String EXIT_CODE = PREFIX + "exit-code";
    /** Written with {@link #EXIT_CODE}: when the adapter found the task stopped (RFC 3339). */
    static final String FINISHED_AT = PREFIX + "finished-at";
    /** Written with {@link #EXIT_CODE} when the task's memory cgroup counted an OOM kill. */
    static final String OOM_KILLED = PREFIX + "oom-killed";
    /** Written when {@code ctr run} created the container but its task could not start: the error. */
    static final String ERROR = PREFIX + "error";
    /** ctr's own label: the image's StopSignal, or SIGTERM. */
    static final String IMAGE_STOP_SIGNAL = "io.containerd.image.config.stop-signal";

    private CtrLabels() {
    }

    /** The labels a user of the SPI sees: all but ours and ctr's. */
    static Map<String, String> visible(Map<String, String> all) {
        Map<String, String> visible = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!k.startsWith(PREFIX) && !k.equals(IMAGE_STOP_SIGNAL)) {
                visible.put(k, v);
            }
        });
        return visible;
    }
}
