package io.staticpod.runtime.spi;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A runtime that hands every call to another one, for decorators: the agent's metrics override the calls they time,
 * a test the one part it needs different (a streaming server, log rotation) and keeps the rest of the fake.
 */
public class ForwardingContainerRuntime implements ContainerRuntime {
    /** The runtime every call goes to; a subclass calls it for what it changes. */
    protected final ContainerRuntime delegate;

    public ForwardingContainerRuntime(ContainerRuntime delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public Capabilities capabilities() {
        return delegate.capabilities();
    }

    @Override
    public RuntimeVersion version() {
        return delegate.version();
    }

    @Override
    public RuntimeParts parts() {
        return delegate.parts();
    }

    @Override
    public RuntimeSnapshot snapshot(Map<String, String> labels) {
        return delegate.snapshot(labels);
    }

    @Override
    public Optional<ExecSync> exec() {
        return delegate.exec();
    }

    @Override
    public Optional<ExitEvents> events() {
        return delegate.events();
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return delegate.logs();
    }

    @Override
    public Optional<LogRotation> logRotation() {
        return delegate.logRotation();
    }

    @Override
    public Optional<StreamingUrls> streaming() {
        return delegate.streaming();
    }

    @Override
    public Optional<ExecStreams> execStreams() {
        return delegate.execStreams();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
