package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ExitEvents;
import io.staticpod.runtime.spi.LogRotation;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;
import io.staticpod.runtime.spi.StreamingUrls;

import java.util.Map;
import java.util.Optional;

/**
 * A CRI runtime ({@code runtime.v1} over gRPC on a UNIX socket): containerd's CRI plugin by default
 * ({@value CriSettings#DEFAULT_ENDPOINT}; its containers and images live in containerd's {@code k8s.io} namespace),
 * or any other CRI runtime's endpoint (CRI-O's {@code unix:///var/run/crio/crio.sock}).
 *
 * <p>What it can do ({@link #CAPABILITIES}): pod networks and host ports (the runtime's CNI), exec
 * ({@code ExecSync}), logs (the CRI log files the runtime writes where the sandbox and container configs say,
 * read by this adapter) and their rotation ({@code ReopenContainerLog}, {@link CriLogFiles}), exec, attach and
 * port-forward streams on the runtime's own streaming server ({@link CriStreaming}). Exit events where the runtime
 * serves {@code GetContainerEvents} ({@link CriExitEvents}); containerd before 1.7 (Debian 12 ships 1.6.20) does not,
 * and there its own event service on the same socket gives the task exits ({@link ContainerdExitEvents}); other
 * runtimes without it have none, and the relist alone sees exits. Which is asked once, when connecting
 * ({@link CriSettings#exitEvents()}), since capabilities do not change during an instance's life.
 *
 * <p>Costs: one connection, one Netty event-loop thread, and one more thread per event subscription; every other
 * call is blocking, on its caller's thread; no process is ever spawned. Deadlines: {@link CriSettings}. The CRI version is checked on the first call
 * of any kind ({@link CriVersion}). Thread-safe.
 */
public final class CriRuntime implements ContainerRuntime {
    /**
     * Pod network, host ports, exec, no exit events, logs, log files, users, any environment value, log rotation,
     * streams: a CRI runtime that has no events (CRI-O before 1.26).
     */
    public static final Capabilities CAPABILITIES =
            new Capabilities(true, true, true, false, true, true, true, true, true, true);
    /** As {@link #CAPABILITIES}, with exit events: containerd (its own events before 1.7). */
    public static final Capabilities WITH_EVENTS =
            new Capabilities(true, true, true, true, true, true, true, true, true, true);

    private final CriSettings settings;
    private final CriChannel channel;
    private final CriCalls calls;
    private final CriContainers containers;
    private final RuntimeParts parts;
    private final CriExec exec;
    private final CriLogs logs;
    private final LogRotation rotation;
    private final CriStreaming streaming;
    private final ExitEvents events;

    private CriRuntime(CriSettings settings, CriChannel channel) {
        this.settings = settings;
        this.channel = channel;
        this.calls = new CriCalls(channel, settings);
        InMemoryMounts memory = new InMemoryMounts(settings.memoryRoot());
        CriImages images = new CriImages(calls);
        this.containers = new CriContainers(calls, images, memory);
        CriSandboxes sandboxes = new CriSandboxes(calls, containers, memory);
        this.parts = new RuntimeParts(sandboxes, containers, images);
        this.exec = new CriExec(calls, containers);
        this.logs = new CriLogs(containers);
        this.rotation = containers::reopenLog;
        this.streaming = new CriStreaming(calls, containers, sandboxes);
        this.events = exitEvents(settings, channel, calls, containers);
    }

    /**
     * CRI's {@code GetContainerEvents} where the runtime serves it (or {@link CriSettings#exitEvents()} says to use
     * it), else containerd's own task exits when the runtime is containerd, else none.
     */
    private static ExitEvents exitEvents(CriSettings settings, CriChannel channel, CriCalls calls,
                                         CriContainers containers) {
        var stub = io.staticpod.runtime.cri.proto.RuntimeServiceGrpc.newBlockingStub(channel.channel());
        if (settings.exitEvents() != null) {
            return settings.exitEvents() ? new CriExitEvents(stub, settings.endpoint()) : null;
        }
        if (CriExitEvents.supported(calls.version(), stub, java.time.Duration.ofSeconds(2))) {
            return new CriExitEvents(stub, settings.endpoint());
        }
        try {
            if ("containerd".equals(calls.version().ask().runtimeName())) {
                return new ContainerdExitEvents(io.staticpod.runtime.cri.proto.EventsGrpc.newBlockingStub(
                        channel.channel()), settings.endpoint(), containers::rawStatus);
            }
        } catch (RuntimeException unreachable) {
            // as for GetContainerEvents: no events for the life of this instance
        }
        return null;
    }

    /**
     * Connects. Nothing is asked of the runtime until the first call, except, when {@link CriSettings#exitEvents()} is
     * null, its version and whether it serves {@code GetContainerEvents} (immediate on runtimes that do not, two
     * seconds on those that do; a runtime that cannot be reached then counts as having no events, for the life of this
     * instance).
     */
    public static CriRuntime connect(CriSettings settings) {
        return new CriRuntime(settings, new CriChannel(settings.endpoint()));
    }

    /** Over a channel made elsewhere (tests: an in-process CRI server). */
    static CriRuntime over(io.grpc.ManagedChannel channel, CriSettings settings) {
        return new CriRuntime(settings, new CriChannel(channel));
    }

    /** {@link #connect} with the defaults for {@code endpoint}. */
    public static CriRuntime connect(String endpoint) {
        return connect(CriSettings.of(endpoint));
    }

    public CriSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Capabilities capabilities() {
        return events == null ? CAPABILITIES : WITH_EVENTS;
    }

    /**
     * @throws io.staticpod.runtime.spi.RuntimeError.Refused when the runtime answers but not {@code runtime.v1}: the
     *                                                       message names what was asked and what it answered
     */
    @Override
    public RuntimeVersion version() {
        return calls.version().ask();
    }

    /**
     * The sandbox (pause) image the runtime is configured with, from its verbose {@code Status}: containerd's CRI
     * plugin's {@code sandbox_image}; empty when the runtime does not say (CRI-O). The adapter never pulls it: the
     * runtime does, when it runs a sandbox.
     *
     * @throws io.staticpod.runtime.spi.RuntimeError when the runtime cannot be asked
     */
    public Optional<String> sandboxImage() {
        return CriStatus.sandboxImage(calls);
    }

    @Override
    public RuntimeParts parts() {
        return parts;
    }

    /** Two calls: {@code ListPodSandbox} and {@code ListContainers}, each filtered by the labels. */
    @Override
    public RuntimeSnapshot snapshot(Map<String, String> labels) {
        return new RuntimeSnapshot(parts.sandboxes().list(labels), containers.list(labels));
    }

    @Override
    public Optional<ExecSync> exec() {
        return Optional.of(exec);
    }

    @Override
    public Optional<ExitEvents> events() {
        return Optional.ofNullable(events);
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return Optional.of(logs);
    }

    @Override
    public Optional<LogRotation> logRotation() {
        return Optional.of(rotation);
    }

    /** {@code Exec}, {@code Attach} and {@code PortForward}: URLs on the runtime's streaming server. */
    @Override
    public Optional<StreamingUrls> streaming() {
        return Optional.of(streaming);
    }

    /** A helper that rotates this runtime's log files; see {@link CriLogFiles}. */
    public CriLogFiles logFiles(java.time.Clock clock) {
        return new CriLogFiles(containers, rotation, clock);
    }

    @Override
    public void close() {
        channel.close();
    }
}
