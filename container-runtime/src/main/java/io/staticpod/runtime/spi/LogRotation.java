package io.staticpod.runtime.spi;

/**
 * Rotating the log files of a runtime that writes them ({@link Capabilities#logFiles()}), as CRI's
 * {@code ReopenContainerLog}: whoever rotates renames the container's file aside, then asks the runtime to reopen
 * its path, so that what the container writes next goes to a new, empty file. Deciding when to rotate and how many
 * rotated files to keep (the kubelet's {@code containerLogMaxSize} and {@code containerLogMaxFiles}) is the caller's;
 * the CRI adapter has a helper for it ({@code io.staticpod.runtime.cri.CriLogFiles}). Rules of
 * {@link ContainerRuntime} apply.
 */
public interface LogRotation {

    /**
     * Makes the runtime close the container's log file and open its path again (creating it).
     *
     * @throws RuntimeError.NotFound when the container does not exist
     * @throws RuntimeError.Refused  when it is not running (a stopped container's log is not reopened: leave its
     *                               file as it is)
     */
    void reopen(String containerId);
}
