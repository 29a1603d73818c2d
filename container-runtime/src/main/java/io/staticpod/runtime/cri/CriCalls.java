package io.staticpod.runtime.cri;

import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.cri.proto.ImageServiceGrpc;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The stubs every part calls through, each call with its deadline, after the runtime's CRI version was checked once
 * ({@link CriVersion}): a runtime that does not serve {@code runtime.v1} gives that one clear error on the first call
 * of any kind, not an {@code UNIMPLEMENTED} per method. Thread-safe (the stubs are; the check is idempotent).
 */
final class CriCalls {
    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
    private final ImageServiceGrpc.ImageServiceBlockingStub images;
    private final CriErrors errors;
    private final CriSettings settings;
    private final CriVersion version;

    CriCalls(CriChannel channel, CriSettings settings) {
        this.runtime = RuntimeServiceGrpc.newBlockingStub(channel.channel());
        this.images = ImageServiceGrpc.newBlockingStub(channel.channel());
        this.settings = settings;
        this.errors = new CriErrors(settings.endpoint());
        this.version = new CriVersion(channel, runtime, errors, settings);
    }

    /**
     * Calls {@code call} on the RuntimeService with {@code deadline}; a failure becomes the typed error for
     * {@code name} about {@code subject}.
     */
    <T> T runtime(String name, String subject, Duration deadline,
                  Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, T> call) {
        version.checked();
        try {
            return call.apply(runtime.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
        } catch (StatusRuntimeException e) {
            throw errors.map(name, subject, e);
        }
    }

    /** As {@link #runtime}, but a failure is handed back as it is, for calls that look at the code themselves. */
    <T> T runtimeRaw(Duration deadline, Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, T> call) {
        version.checked();
        return call.apply(runtime.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    }

    <T> T images(Duration deadline, Function<ImageServiceGrpc.ImageServiceBlockingStub, T> call) {
        version.checked();
        return call.apply(images.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS));
    }

    CriErrors errors() {
        return errors;
    }

    CriSettings settings() {
        return settings;
    }

    CriVersion version() {
        return version;
    }

    Duration callTimeout() {
        return settings.callTimeout();
    }
}
