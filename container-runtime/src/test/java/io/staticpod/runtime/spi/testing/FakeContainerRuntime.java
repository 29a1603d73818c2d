package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.ExitEvents;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.Images;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.LogReader.LogLine;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxStatus;
import io.staticpod.runtime.spi.testing.FakeEngine.FakeContainer;

import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An in-memory {@link ContainerRuntime} for the agent's unit tests, with the knobs to make it fail the ways real
 * engines fail. {@link ContainerRuntimeContract} runs on it too, so it behaves, as far as the SPI shows, like the real
 * adapters.
 *
 * <p>There are no processes. A started container runs until the test ends it ({@link #exit}, {@link #oomKill}) or the
 * agent stops or removes it: {@code stop} returns at once with exit code 143 (ended by SIGTERM) and records the grace
 * ({@link #stopGrace}); removing a running container kills it (137). Its output is what the test appends
 * ({@link #appendLog}). A failed start leaves the container EXITED with reason {@code StartError} and exit code 128,
 * as containerd does. A sandbox on the pod network gets an address {@code 10.88.x.y} when the capabilities say
 * {@code podNetwork}; two ready sandboxes cannot publish the same host port when they say {@code hostPorts}. Lists
 * show the newest first. Times come from the injected clock.
 *
 * <p>Events (when the capabilities say {@code exitEvents}) are delivered on the thread whose call caused them, after
 * that call's change is visible, in order; sandboxes' starts and exits are events too, with the sandbox's id. The
 * knobs: {@link #down} (every call throws {@link RuntimeError.Unavailable}; subscriptions get a RESYNC when it is
 * {@link #up} again), {@link #hold} (calls wait until released, as on a hung engine), {@link #failNext} (the next
 * call of a kind throws a given error), {@link #removeImage}, {@link #publish} and {@link #failPulls} (ImageUnavailable),
 * {@link #scriptExec}, {@link #cutEvents} (RESYNC), counters of calls ({@link #calls}).
 *
 * <p>Thread-safe: the state lives in one engine, shared with {@link #newClientOfSameEngine()} clients and guarded by
 * its monitor; held calls wait outside it.
 */
public final class FakeContainerRuntime implements ContainerRuntime {

    /** The kinds of calls, for {@link #calls}, {@link #hold} and {@link #failNext}. */
    public enum Call {
        VERSION, RUN_SANDBOX, STOP_SANDBOX, REMOVE_SANDBOX, SANDBOX_STATUS, LIST_SANDBOXES,
        CREATE, START, STOP, REMOVE, STATUS, LIST, IMAGE_STATUS, PULL, SNAPSHOT, EXEC, LOGS, SUBSCRIBE
    }

    /** Everything but log files: what the Docker Engine API adapter can do. */
    public static final Capabilities ALL_BUT_LOG_FILES = new Capabilities(true, true, true, true, true, false);

    private final FakeEngine engine;
    private final List<AutoCloseable> subscriptions = new CopyOnWriteArrayList<>();

    /** A fake engine on the system clock, with {@link #ALL_BUT_LOG_FILES}. */
    public FakeContainerRuntime() {
        this(Clock.systemUTC(), ALL_BUT_LOG_FILES);
    }

    /** A fake engine whose times come from {@code clock}, with {@link #ALL_BUT_LOG_FILES}. */
    public FakeContainerRuntime(InstantSource clock) {
        this(clock, ALL_BUT_LOG_FILES);
    }

    /**
     * A fake engine whose times come from {@code clock}, able to do what {@code capabilities} say: {@link #exec()},
     * {@link #events()} and {@link #logs()} are present exactly when their flags are set.
     */
    public FakeContainerRuntime(InstantSource clock, Capabilities capabilities) {
        this(new FakeEngine(clock, capabilities));
    }

    private FakeContainerRuntime(FakeEngine engine) {
        this.engine = engine;
    }

    /** Another client of the same engine (as a restarted agent is): the same containers, knobs and counters. */
    public FakeContainerRuntime newClientOfSameEngine() {
        return new FakeContainerRuntime(engine);
    }

    // ------------------------------------------------------------------------------------------------ knobs

    /** Makes the image present; returns its id ({@code sha256:…}, derived from the reference). */
    public String addImage(String image) {
        synchronized (engine) {
            return engine.images.computeIfAbsent(image, i -> "sha256:" + engine.nextId("1a"));
        }
    }

    /** The image is no longer present: creating a container of it is {@link RuntimeError.ImageUnavailable}. */
    public void removeImage(String image) {
        synchronized (engine) {
            engine.images.remove(image);
        }
    }

    /**
     * A registry has the image: {@link Images#pull} of it succeeds (making it present). Pulling an image no test
     * published is {@link RuntimeError.ImageUnavailable}, as on an air-gapped node.
     */
    public void publish(String image) {
        synchronized (engine) {
            engine.registry.add(image);
        }
    }

    /**
     * Every pull fails with {@link RuntimeError.ImageUnavailable} saying {@code message}, published or not (the
     * registry is unreachable); null: pulls work again.
     */
    public void failPulls(String message) {
        synchronized (engine) {
            engine.pullFailure = message;
        }
    }

    /** The engine is down: every call throws {@link RuntimeError.Unavailable} naming {@code reason}. */
    public void down(String reason) {
        synchronized (engine) {
            engine.down = reason;
        }
    }

    /** The engine is back; if it was down, every subscription gets a RESYNC (it may have missed events). */
    public void up() {
        synchronized (engine) {
            if (engine.down != null) {
                engine.down = null;
                engine.event(ContainerEvent.Type.RESYNC, null, Map.of(), null);
            }
        }
        engine.flush();
    }

    /** From now until released, every call of this kind waits before it does anything (see {@link Hold}). */
    public Hold hold(Call call) {
        return hold(call, null);
    }

    /**
     * As {@link #hold(Call)}, only for calls about {@code target}: the container or sandbox id, the container's name
     * for {@link Call#CREATE}, the pod's name for {@link Call#RUN_SANDBOX}, the image for pulls and image status.
     */
    public Hold hold(Call call, String target) {
        Hold hold = new Hold(call, target);
        synchronized (engine) {
            engine.holds.add(hold);
        }
        return hold;
    }

    /**
     * The next call of this kind throws {@code error} (queued: each call takes one). A failed {@link Call#START}
     * leaves the container EXITED with reason {@code StartError} and the error's message, as a bad command does.
     */
    public void failNext(Call call, RuntimeError error) {
        synchronized (engine) {
            engine.failures.computeIfAbsent(call, c -> new ArrayDeque<>()).add(error);
        }
    }

    /** {@link #failNext} with {@link RuntimeError.Refused} saying {@code message}. */
    public void refuseNext(Call call, String message) {
        failNext(call, new RuntimeError.Refused(message, null));
    }

    /** The running container's process exits with {@code code} (reason Completed for 0, else Error). */
    public void exit(String containerId, int code) {
        end(containerId, code, false);
    }

    /** The kernel's OOM killer ends the running container: exit code 137, reason OOMKilled. */
    public void oomKill(String containerId) {
        end(containerId, FakeEngine.KILLED_EXIT_CODE, true);
    }

    /** What still shows an exited container running (a runtime whose views trail its exit event). */
    public enum Lag {
        NONE,
        /** The list (Docker: its container view is written after the die event). */
        LIST,
        /** The list and the container's status (containerd's CRI plugin: its store is written after the task exit). */
        LIST_AND_STATUS
    }

    /**
     * As {@link #exit}, but the runtime's views trail the exit event, as real engines' do for a moment: until
     * {@link #catchUp}, the list ({@code lag} LIST, Docker's) or the list and the container's status (LIST_AND_STATUS,
     * containerd's CRI plugin) still show it running.
     */
    public void exitAheadOfViews(String containerId, int code, Lag lag) {
        end(containerId, code, false, lag);
    }

    /** The views of every container that exited ahead of them show the exit now. */
    public void catchUp() {
        synchronized (engine) {
            engine.containers.values().forEach(c -> c.lagging = Lag.NONE);
        }
    }

    private void end(String containerId, int code, boolean oom) {
        end(containerId, code, oom, Lag.NONE);
    }

    private void end(String containerId, int code, boolean oom, Lag lag) {
        synchronized (engine) {
            FakeContainer c = engine.containers.get(containerId);
            if (c == null || c.state != ContainerState.RUNNING) {
                throw new IllegalStateException("fake container " + containerId + " is not running");
            }
            c.lagging = lag;
            engine.exited(c, code, oom);
        }
        engine.flush();
    }

    /** The container wrote {@code text} as one line on {@code stream}, received now (by the clock). */
    public void appendLog(String containerId, LogLine.Stream stream, String text) {
        synchronized (engine) {
            engine.appendLog(containerId, stream, text);
        }
    }

    /** The container wrote {@code text} as one line on stdout. */
    public void appendLog(String containerId, String text) {
        appendLog(containerId, LogLine.Stream.STDOUT, text);
    }

    /** What an exec of exactly {@code command} answers, in any container; unscripted commands exit 0 silently. */
    public void scriptExec(List<String> command, ExecResult result) {
        synchronized (engine) {
            engine.execScripts.put(List.copyOf(command), result);
        }
    }

    /** The event stream is cut and back: every subscription gets a RESYNC. */
    public void cutEvents() {
        synchronized (engine) {
            engine.event(ContainerEvent.Type.RESYNC, null, Map.of(), null);
        }
        engine.flush();
    }

    /** How many calls of this kind were made (by every client of the engine), failed ones included. */
    public int calls(Call call) {
        synchronized (engine) {
            return engine.calls.getOrDefault(call, 0);
        }
    }

    /** The grace of the last stop of this container (stopping its sandbox stops it with zero), while it exists. */
    public Optional<Duration> stopGrace(String containerId) {
        synchronized (engine) {
            return Optional.ofNullable(engine.containers.get(containerId)).map(c -> c.lastStopGrace);
        }
    }

    // -------------------------------------------------------------------------------------------------- SPI

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public Capabilities capabilities() {
        return engine.capabilities;
    }

    @Override
    public RuntimeVersion version() {
        return call(Call.VERSION, null, f -> new RuntimeVersion("fake", "1.0", "1"));
    }

    @Override
    public RuntimeParts parts() {
        return parts;
    }

    @Override
    public RuntimeSnapshot snapshot(Map<String, String> labels) {
        return call(Call.SNAPSHOT, null,
                f -> new RuntimeSnapshot(engine.listSandboxes(labels), engine.listContainers(labels)));
    }

    @Override
    public Optional<ExecSync> exec() {
        return engine.capabilities.exec() ? Optional.of(exec) : Optional.empty();
    }

    @Override
    public Optional<ExitEvents> events() {
        return engine.capabilities.exitEvents() ? Optional.of(events) : Optional.empty();
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return engine.capabilities.logs() ? Optional.of(logs) : Optional.empty();
    }

    /** Ends this client's event subscriptions; the engine and its containers stay. */
    @Override
    public void close() {
        for (AutoCloseable s : subscriptions) {
            try {
                s.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        subscriptions.clear();
    }

    /**
     * Every call: counted, held if a {@link Hold} says so (outside the monitor), then done under the monitor unless
     * the engine is down or a failure is queued for it; its events are delivered after.
     */
    private <T> T call(Call call, String target, Function<RuntimeError, T> op) {
        Hold hold = engine.enter(call, target);
        if (hold != null) {
            hold.await();
        }
        try {
            synchronized (engine) {
                RuntimeError failure = engine.check(call);
                if (failure != null && call != Call.START) {
                    throw failure;
                }
                return op.apply(failure);
            }
        } finally {
            engine.flush();
        }
    }

    private void run(Call call, String target, Consumer<RuntimeError> op) {
        call(call, target, f -> {
            op.accept(f);
            return null;
        });
    }

    private final PodSandboxes sandboxes = new PodSandboxes() {
        @Override
        public String run(SandboxConfig config) {
            return call(Call.RUN_SANDBOX, config.metadata().name(), f -> engine.runSandbox(config));
        }

        @Override
        public void stop(String sandboxId) {
            FakeContainerRuntime.this.run(Call.STOP_SANDBOX, sandboxId, f -> engine.stopSandbox(sandboxId));
        }

        @Override
        public void remove(String sandboxId) {
            FakeContainerRuntime.this.run(Call.REMOVE_SANDBOX, sandboxId, f -> engine.removeSandbox(sandboxId));
        }

        @Override
        public Optional<SandboxStatus> status(String sandboxId) {
            return call(Call.SANDBOX_STATUS, sandboxId,
                    f -> Optional.ofNullable(engine.sandboxes.get(sandboxId)).map(engine::sandboxStatus));
        }

        @Override
        public List<Sandbox> list(Map<String, String> labels) {
            return call(Call.LIST_SANDBOXES, null, f -> engine.listSandboxes(labels));
        }
    };

    private final Containers containers = new Containers() {
        @Override
        public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
            return call(Call.CREATE, config.name(), f -> engine.createContainer(sandboxId, config));
        }

        @Override
        public void start(String containerId) {
            run(Call.START, containerId, f -> engine.startContainer(containerId, f));
        }

        @Override
        public void stop(String containerId, Duration grace) {
            run(Call.STOP, containerId, f -> engine.stopContainer(containerId, grace));
        }

        @Override
        public void remove(String containerId) {
            run(Call.REMOVE, containerId, f -> engine.removeContainer(containerId));
        }

        @Override
        public Optional<ContainerStatus> status(String containerId) {
            return call(Call.STATUS, containerId,
                    f -> Optional.ofNullable(engine.containers.get(containerId)).map(FakeContainer::status));
        }

        @Override
        public List<ContainerSummary> list(Map<String, String> labels) {
            return call(Call.LIST, null, f -> engine.listContainers(labels));
        }
    };

    private final Images images = new Images() {
        @Override
        public Optional<ImageInfo> status(String image) {
            return call(Call.IMAGE_STATUS, image,
                    f -> Optional.ofNullable(engine.images.get(image)).map(id -> new ImageInfo(image, id)));
        }

        @Override
        public ImageInfo pull(String image) {
            return call(Call.PULL, image, f -> {
                if (engine.pullFailure != null || !engine.registry.contains(image)) {
                    throw new RuntimeError.ImageUnavailable("fake: pull " + image + ": " + (engine.pullFailure != null
                            ? engine.pullFailure : "no registry has it (see FakeContainerRuntime.publish)"), null);
                }
                return new ImageInfo(image, addImage(image));
            });
        }
    };

    private final RuntimeParts parts = new RuntimeParts(sandboxes, containers, images);

    private final ExecSync exec = this::exec;
    private final ExitEvents events = this::subscribe;
    private final ContainerLogs logs = this::openLog;

    private ExecResult exec(String containerId, List<String> command, Duration timeout) {
        return call(Call.EXEC, containerId, f -> {
            engine.running(containerId, "exec " + command);
            return engine.execScripts.getOrDefault(command, new ExecResult(0, "", false));
        });
    }

    private AutoCloseable subscribe(Map<String, String> labels, Consumer<ContainerEvent> listener) {
        FakeEngine.Subscription subscription = new FakeEngine.Subscription(Map.copyOf(labels), listener);
        synchronized (engine) {
            engine.calls.merge(Call.SUBSCRIBE, 1, Integer::sum);
            engine.subscriptions.add(subscription);
        }
        AutoCloseable handle = () -> engine.subscriptions.remove(subscription);
        subscriptions.add(handle);
        return handle;
    }

    private LogReader openLog(String containerId, LogOptions options) {
        return call(Call.LOGS, containerId, f -> {
            FakeContainer c = engine.containers.get(containerId);
            if (c == null) {
                throw new RuntimeError.NotFound("fake: logs: no such container: " + containerId);
            }
            return new FakeLogReader(engine, c, options);
        });
    }
}
