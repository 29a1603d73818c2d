package io.staticpod.agent.metrics;

import io.staticpod.runtime.ContainerEvents;
import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.PullPolicy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link ContainerRuntime} that times every call and counts failures, then forwards it unchanged. Keeps the runtime
 * module free of metrics. Operation names are the SPI's method names ({@code list}, {@code start}, …).
 */
final class MeteredContainerRuntime implements ContainerRuntime, ContainerExec, ContainerEvents {
    private final ContainerRuntime delegate;
    private final AgentMetrics metrics;

    MeteredContainerRuntime(ContainerRuntime delegate, AgentMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** Events pass through untimed; a runtime without them gives a handle that does nothing (the relist covers). */
    @Override
    public AutoCloseable subscribe(Map<String, String> labels, java.util.function.Consumer<ContainerEvents.Event> l) {
        return delegate instanceof ContainerEvents events ? events.subscribe(labels, l) : () -> { };
    }

    /** Exec probes go through too; a runtime without the ability fails each such probe saying so. */
    @Override
    public ContainerExec.Result exec(String containerId, List<String> command, Duration timeout) {
        if (!(delegate instanceof ContainerExec exec)) {
            throw new UnsupportedOperationException("the " + delegate.name() + " runtime cannot run exec probes");
        }
        return timed("exec", () -> exec.exec(containerId, command, timeout));
    }

    @Override
    public String version() {
        return timed("version", delegate::version);
    }

    @Override
    public ImageResult ensureImage(String image, PullPolicy policy) {
        return timed("ensureImage", () -> delegate.ensureImage(image, policy));
    }

    @Override
    public String start(LaunchSpec spec) {
        return timed("start", () -> delegate.start(spec));
    }

    @Override
    public void stop(String id, Duration grace) {
        timed("stop", () -> {
            delegate.stop(id, grace);
            return null;
        });
    }

    @Override
    public void remove(String id) {
        timed("remove", () -> {
            delegate.remove(id);
            return null;
        });
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
        return timed("inspect", () -> delegate.inspect(id));
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        return timed("list", () -> delegate.list(labels));
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.get();
            failed = false;
            return result;
        } finally {
            metrics.runtimeCall(operation, System.nanoTime() - start, failed);
        }
    }
}
