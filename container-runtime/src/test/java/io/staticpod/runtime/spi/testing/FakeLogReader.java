package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.testing.FakeEngine.FakeContainer;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * A fake container's log as {@link LogOptions} select it: the lines at or after {@code since}, the last
 * {@code tailLines} of them, then (following) each line appended later, until the container is no longer running
 * (exited or removed) or the reader is closed. Waits on the engine's monitor, which every change notifies.
 */
final class FakeLogReader implements LogReader {
    private final FakeEngine engine;
    private final FakeContainer container;
    private final LogOptions options;
    private final Deque<LogLine> first = new ArrayDeque<>();
    /** Guarded by the engine's monitor. */
    private int next;
    /** Guarded by the engine's monitor. */
    private boolean closed;

    /** Called under the engine's monitor. */
    FakeLogReader(FakeEngine engine, FakeContainer container, LogOptions options) {
        this.engine = engine;
        this.container = container;
        this.options = options;
        List<LogLine> selected = container.log.stream().filter(this::wanted).toList();
        long tail = options.tailLines() < 0 ? selected.size() : Math.min(options.tailLines(), selected.size());
        first.addAll(selected.subList((int) (selected.size() - tail), selected.size()));
        next = container.log.size();
    }

    private boolean wanted(LogLine line) {
        return options.since() == null || !line.time().isBefore(options.since());
    }

    @Override
    public LogLine next() throws InterruptedIOException {
        synchronized (engine) {
            if (!first.isEmpty() && !closed) {
                return first.poll();
            }
            while (options.follow() && !closed) {
                if (next < container.log.size()) {
                    LogLine line = container.log.get(next++);
                    if (wanted(line)) {
                        return line;
                    }
                    continue;
                }
                if (container.state == ContainerState.EXITED || engine.containers.get(container.id) != container) {
                    return null;
                }
                try {
                    engine.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while following the log of " + container.id);
                }
            }
            return null;
        }
    }

    @Override
    public void close() {
        synchronized (engine) {
            closed = true;
            engine.notifyAll();
        }
    }
}
