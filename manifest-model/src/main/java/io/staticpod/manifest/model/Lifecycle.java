package io.staticpod.manifest.model;

/**
 * How a container's life begins and ends beyond its process: its hooks and where its termination message comes from.
 *
 * @param postStart                run right after the container starts (exec or httpGet), or null
 * @param preStop                  run before the container is stopped, within its grace period, or null
 * @param terminationMessagePath   defaulted to {@code /dev/termination-log}, as by the API server
 * @param terminationMessagePolicy defaulted to {@link TerminationMessagePolicy#File}
 */
public record Lifecycle(Probe.Action postStart, Probe.Action preStop, String terminationMessagePath,
                        TerminationMessagePolicy terminationMessagePolicy) {
    public static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";
    public static final Lifecycle DEFAULT = new Lifecycle(null, null, DEFAULT_TERMINATION_MESSAGE_PATH,
            TerminationMessagePolicy.File);

    public Lifecycle {
        // as in the API, an empty path is no path: the default
        terminationMessagePath = terminationMessagePath == null || terminationMessagePath.isEmpty()
                ? DEFAULT_TERMINATION_MESSAGE_PATH : terminationMessagePath;
        terminationMessagePolicy = terminationMessagePolicy == null ? TerminationMessagePolicy.File
                : terminationMessagePolicy;
    }

    public enum TerminationMessagePolicy { File, FallbackToLogsOnError }
}
