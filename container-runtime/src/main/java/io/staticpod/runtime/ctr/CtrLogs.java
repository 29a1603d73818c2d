package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrOutput.Container;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * A container's output from its log file ({@code <logDir>/<id>.log}, written by the shim's logger in the format
 * {@link CtrLoggers} chose for it), read by {@link FileLogReader}. A container that has not started yet has an empty
 * log; following it ends once the container has exited or is gone.
 */
final class CtrLogs implements ContainerLogs {

    private final CtrTasks tasks;
    private final InstantSource clock;
    private final FileLogReader.Waiter waiter;

    CtrLogs(CtrTasks tasks, InstantSource clock, FileLogReader.Waiter waiter) {
        this.tasks = tasks;
        this.clock = clock;
        this.waiter = waiter;
    }

    @Override
    public LogReader open(String containerId, LogOptions options) {
        String what = "read the log of container " + containerId;
        Container c = tasks.info(containerId).filter(CtrStates::isContainer)
                .orElseThrow(() -> new RuntimeError.NotFound(what + ": no such container"));
        Path file = Path.of(c.label(CtrLabels.LOG_PATH));
        try {
            return new FileLogReader(file, c.label(CtrLabels.LOG_FORMAT), options, () -> ended(containerId), clock,
                    waiter);
        } catch (IOException e) {
            throw new RuntimeError.NotFound(what + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Gone or exited; while containerd does not answer the file is followed on (the shim still writes it). */
    private boolean ended(String containerId) {
        try {
            return tasks.look(containerId).map(s -> CtrStates.state(s) == ContainerState.EXITED).orElse(true);
        } catch (RuntimeError e) {
            return false;
        }
    }
}
