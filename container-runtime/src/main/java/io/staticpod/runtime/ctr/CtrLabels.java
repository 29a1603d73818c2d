package io.staticpod.runtime.ctr;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels the containerd adapters keep on each containerd container for themselves, under one prefix. They are
 * how a new adapter instance (a restarted agent) knows everything about a container without a state file, and they
 * are never shown as the container's labels ({@link #visible}). ctr adds one label of its own,
 * {@link #IMAGE_STOP_SIGNAL}, which is hidden too. containerd limits a label's key and value to 4096 bytes together.
 */
public final class CtrLabels {

    public static final String PREFIX = "static-pod-agent.ctr/";
    /** The container's name in its pod ({@code app}); the containerd id is random. */
    public static final String NAME = PREFIX + "name";
    /** The image reference as asked for (the container's own Image field is the normalised one). */
    public static final String IMAGE = PREFIX + "image";
    /** The image config's digest at start: the image id, as Docker reports it. */
    public static final String IMAGE_ID = PREFIX + "image-id";
    /** The stop signal asked for; absent means the image's, else SIGTERM. */
    public static final String STOP_SIGNAL = PREFIX + "stop-signal";
    /** Where the shim writes the container's stdout and stderr. */
    public static final String LOG_PATH = PREFIX + "log-path";
    /** Written when the stopped task was deleted: its exact exit status. */
    public static final String EXIT_CODE = PREFIX + "exit-code";
    /** Written with {@link #EXIT_CODE}: when the adapter found the task stopped (RFC 3339). */
    public static final String FINISHED_AT = PREFIX + "finished-at";
    /** Written with {@link #EXIT_CODE} when the task's memory cgroup counted an OOM kill. */
    public static final String OOM_KILLED = PREFIX + "oom-killed";
    /** Written when the container's task could not start: ctr's error. */
    public static final String ERROR = PREFIX + "error";
    /** ctr's own label: the image's StopSignal, or SIGTERM. */
    public static final String IMAGE_STOP_SIGNAL = "io.containerd.image.config.stop-signal";

    // Labels of the pod-level adapter (CtrPodRuntime) only.
    /** {@value #SANDBOX} or {@value #CONTAINER}; containers without it were not made by the pod-level adapter. */
    public static final String KIND = PREFIX + "kind";
    public static final String SANDBOX = "sandbox";
    public static final String CONTAINER = "container";
    /** A container's restart count, a sandbox's attempt. */
    public static final String ATTEMPT = PREFIX + "attempt";
    /** A container's sandbox. */
    public static final String SANDBOX_ID = PREFIX + "sandbox-id";
    /** A sandbox's pod: name, namespace and UID, as {@code SandboxMetadata}. */
    public static final String POD_NAME = PREFIX + "pod-name";
    public static final String POD_NAMESPACE = PREFIX + "pod-namespace";
    public static final String POD_UID = PREFIX + "pod-uid";
    /** A sandbox's network: {@code POD} (loopback only) or {@code NODE}. */
    public static final String NETWORK = PREFIX + "network";
    /** The CPU shares the adapter writes into the task's cgroup once started (ctr cannot create with them). */
    public static final String CPU_SHARES = PREFIX + "cpu-shares";
    /** How the shim's logger writes the log: {@code cri} or {@code plain} ({@code CtrLoggers}). */
    public static final String LOG_FORMAT = PREFIX + "log-format";
    /** Written when the task was started: when (RFC 3339). */
    public static final String STARTED_AT = PREFIX + "started-at";
    /** An annotation {@code k=v} is kept as the label {@code <ANNOTATION>k=v}: containerd has no annotations. */
    public static final String ANNOTATION = PREFIX + "annotation/";

    private CtrLabels() {
    }

    /** The labels a user of the SPI sees: all but ours and ctr's. */
    public static Map<String, String> visible(Map<String, String> all) {
        Map<String, String> visible = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!k.startsWith(PREFIX) && !k.equals(IMAGE_STOP_SIGNAL)) {
                visible.put(k, v);
            }
        });
        return visible;
    }

    /** The annotations kept in {@code all} ({@link #ANNOTATION}), by their own keys. */
    public static Map<String, String> annotations(Map<String, String> all) {
        Map<String, String> annotations = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (k.startsWith(ANNOTATION)) {
                annotations.put(k.substring(ANNOTATION.length()), v);
            }
        });
        return annotations;
    }
}
