package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A container's output, read from the log file the runtime writes ({@code ContainerStatus.log_path}) by a
 * {@link CriLogReader}. Reading makes no call to the runtime except the one status call here and, while following a
 * file that does not grow, a status call every {@link CriLogReader#RUNNING_CHECK}.
 */
final class CriLogs implements ContainerLogs {
    private final CriContainers containers;

    CriLogs(CriContainers containers) {
        this.containers = containers;
    }

    @Override
    public LogReader open(String containerId, LogOptions options) {
        Cri.ContainerStatus status = containers.rawStatus(containerId).orElseThrow(() ->
                new RuntimeError.NotFound("no container " + containerId + " to read the log of"));
        if (status.getLogPath().isEmpty()) {
            throw new RuntimeError.NotFound("container " + containerId + " (" + status.getMetadata().getName()
                    + ") has no log file: it was created without a log path");
        }
        Path path = Path.of(status.getLogPath());
        try {
            return new CriLogReader(path, options, () -> stillRunning(containerId));
        } catch (NoSuchFileException e) {
            throw new RuntimeError.NotFound("the log file " + path + " of container " + containerId
                    + " does not exist (it never started, or its log was deleted)");
        } catch (IOException e) {
            throw new RuntimeError.Refused("cannot read the log file " + path + " of container " + containerId
                    + ": " + e, e);
        }
    }

    private boolean stillRunning(String containerId) {
        try {
            return containers.rawStatus(containerId)
                    .map(s -> s.getState() == Cri.ContainerState.CONTAINER_RUNNING
                            || s.getState() == Cri.ContainerState.CONTAINER_CREATED)
                    .orElse(false);
        } catch (RuntimeError e) {
            // the runtime does not answer: keep following, the file is still there
            return true;
        }
    }
}
