package io.staticpod.runtime.spi;

/** Reading what a container wrote to stdout and stderr, as {@code kubectl logs} shows it. */
public interface ContainerLogs {

    /**
     * Opens the container's log. Reading never holds up anything else of the runtime; the reader must be closed.
     *
     * @throws RuntimeError.NotFound when the container (or its log) does not exist
     */
    LogReader open(String containerId, LogOptions options);
}
