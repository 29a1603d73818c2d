package io.staticpod.runtime.spi.testing;

import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerEvent;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.ExecSync.ExecResult;
import io.staticpod.runtime.spi.LogReader.LogLine;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxState;
import io.staticpod.runtime.spi.SandboxStatus;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime.Call;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The state of one fake engine, shared by its clients. Every field is guarded by this object's monitor, except
 * {@link #delivery} (which orders the delivery of events outside the monitor) and the lists that say so.
 */
final class FakeEngine {

    /** Exit code of a process ended by {@code stop}: 128 + SIGTERM. */
    static final int STOPPED_EXIT_CODE = 143;
    /** Exit code of a process ended by SIGKILL ({@code remove} of a running container, the OOM killer). */
    static final int KILLED_EXIT_CODE = 137;
    /** Exit code of a container whose start failed, as containerd reports it. */
    static final int START_ERROR_EXIT_CODE = 128;

    static final class FakeSandbox {
        final String id;
        final SandboxConfig config;
        final Instant createdAt;
        final long sequence;
        SandboxState state = SandboxState.READY;
        String ip;

        FakeSandbox(String id, SandboxConfig config, Instant createdAt, long sequence) {
            this.id = id;
            this.config = config;
            this.createdAt = createdAt;
            this.sequence = sequence;
        }

        Sandbox summary() {
            return new Sandbox(id, config.metadata(), state, createdAt, config.labels(), config.annotations());
        }
    }

    static final class FakeContainer {
        final String id;
        final String sandboxId;
        final ContainerConfig config;
        final String imageRef;
        final Instant createdAt;
        final long sequence;
        final String logPath;
        final List<LogLine> log = new ArrayList<>();
        ContainerState state = ContainerState.CREATED;
        Instant startedAt;
        Instant finishedAt;
        int exitCode;
        String reason;
        String message;
        /** Shown running although exited, until {@link FakeContainerRuntime#catchUp}. */
        FakeContainerRuntime.Lag lagging = FakeContainerRuntime.Lag.NONE;
        Duration lastStopGrace;

        FakeContainer(String id, String sandboxId, ContainerConfig config, String imageRef, Instant createdAt,
                      long sequence, String logPath) {
            this.id = id;
            this.sandboxId = sandboxId;
            this.config = config;
            this.imageRef = imageRef;
            this.createdAt = createdAt;
            this.sequence = sequence;
            this.logPath = logPath;
        }

        ContainerSummary summary() {
            return new ContainerSummary(id, sandboxId, config.name(), config.attempt(), config.image(), imageRef,
                    lagging == FakeContainerRuntime.Lag.NONE ? state : ContainerState.RUNNING, createdAt, config.labels(),
                    config.annotations());
        }

        ContainerStatus status() {
            return lagging == FakeContainerRuntime.Lag.LIST_AND_STATUS
                    ? new ContainerStatus(id, config.name(), config.attempt(), config.image(), imageRef,
                    ContainerState.RUNNING, createdAt, startedAt, null, 0, null, null, config.labels(),
                    config.annotations(), logPath)
                    : new ContainerStatus(id, config.name(), config.attempt(), config.image(), imageRef, state,
                    createdAt, startedAt, finishedAt, exitCode, reason, message, config.labels(),
                    config.annotations(), logPath);
        }
    }

    record Subscription(Map<String, String> labels, Consumer<ContainerEvent> listener) {
    }


    final Capabilities capabilities;
    final InstantSource clock;
    final Map<String, FakeSandbox> sandboxes = new LinkedHashMap<>();
    final Map<String, FakeContainer> containers = new LinkedHashMap<>();
    final Map<String, String> images = new LinkedHashMap<>();
    final Set<String> registry = new HashSet<>();
    final Map<Call, Integer> calls = new EnumMap<>(Call.class);
    final Map<Call, Deque<RuntimeError>> failures = new EnumMap<>(Call.class);
    final Map<List<String>, ExecResult> execScripts = new HashMap<>();
    final List<Hold> holds = new ArrayList<>();
    /** Read without the monitor by the delivery loop; changed under it. */
    final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    /** Events made under the monitor, delivered in order outside it (see {@link #flush()}). */
    final Deque<Runnable> pending = new ArrayDeque<>();
    final ReentrantLock delivery = new ReentrantLock();
    String down;
    String pullFailure;
    long sequence;
    int nextIp = 2;

    FakeEngine(InstantSource clock, Capabilities capabilities) {
        this.clock = clock;
        this.capabilities = capabilities;
    }

    // ------------------------------------------------------------------------------------------- bookkeeping

    /** Counts a call and returns the hold it must wait in, if any. */
    synchronized Hold enter(Call call, String target) {
        calls.merge(call, 1, Integer::sum);
        holds.removeIf(Hold::released);
        return holds.stream().filter(h -> h.matches(call, target)).findFirst().orElse(null);
    }

    /**
     * Throws {@link RuntimeError.Unavailable} while the engine is down; otherwise returns the failure queued for this
     * kind of call, if any (taken: it applies once).
     */
    RuntimeError check(Call call) {
        if (down != null) {
            throw new RuntimeError.Unavailable("fake: " + call + ": engine unavailable: " + down, null);
        }
        Deque<RuntimeError> queued = failures.get(call);
        return queued == null ? null : queued.poll();
    }

    Instant now() {
        return clock.instant();
    }

    String nextId(String kind) {
        long n = ++sequence;
        String hex = HexFormat.of().toHexDigits(n);
        return (kind + hex).repeat(64 / (kind.length() + hex.length()) + 1).substring(0, 64);
    }

    /** Delivers every pending event, in order, on the calling thread, outside the monitor. */
    void flush() {
        delivery.lock();
        try {
            for (;;) {
                Runnable next;
                synchronized (this) {
                    next = pending.poll();
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
        } finally {
            delivery.unlock();
        }
    }

    void event(ContainerEvent.Type type, String id, Map<String, String> labels, Integer exitCode) {
        ContainerEvent event = new ContainerEvent(type, id, labels, exitCode);
        for (Subscription s : subscriptions) {
            if (type == ContainerEvent.Type.RESYNC || labels.entrySet().containsAll(s.labels().entrySet())) {
                pending.add(() -> s.listener().accept(event));
            }
        }
        notifyAll(); // log readers that follow wake up on every state change
    }

    // -------------------------------------------------------------------------------------------- sandboxes

    String runSandbox(SandboxConfig config) {
        new ArrayList<>(sandboxes.values()).stream()
                .filter(s -> s.config.metadata().equals(config.metadata()))
                .forEach(s -> removeSandbox(s.id));
        if (capabilities.hostPorts()) {
            for (FakeSandbox other : sandboxes.values()) {
                if (other.state != SandboxState.READY) {
                    continue;
                }
                for (PortMapping taken : other.config.portMappings()) {
                    for (PortMapping wanted : config.portMappings()) {
                        if (taken.hostPort() == wanted.hostPort() && taken.protocol() == wanted.protocol()
                                && (taken.hostIp().isEmpty() || wanted.hostIp().isEmpty()
                                || taken.hostIp().equals(wanted.hostIp()))) {
                            throw new RuntimeError.Refused("fake: run sandbox of " + who(config.metadata())
                                    + ": host port " + wanted.hostPort() + "/" + wanted.protocol()
                                    + " is already allocated", null);
                        }
                    }
                }
            }
        }
        FakeSandbox s = new FakeSandbox(nextId("5b"), config, now(), sequence);
        if (capabilities.podNetwork() && config.namespaces().network() == NamespaceMode.POD) {
            s.ip = "10.88." + (nextIp / 256) + "." + (nextIp % 256);
            nextIp++;
        }
        sandboxes.put(s.id, s);
        event(ContainerEvent.Type.STARTED, s.id, config.labels(), null);
        return s.id;
    }

    void stopSandbox(String id) {
        FakeSandbox s = sandboxes.get(id);
        if (s == null) {
            return;
        }
        containers.values().stream().filter(c -> c.sandboxId.equals(id)).toList()
                .forEach(c -> stopContainer(c.id, Duration.ZERO));
        if (s.state == SandboxState.READY) {
            s.state = SandboxState.NOT_READY;
            s.ip = null;
            event(ContainerEvent.Type.EXITED, id, s.config.labels(), 0);
        }
    }

    void removeSandbox(String id) {
        containers.values().stream().filter(c -> c.sandboxId.equals(id)).toList().forEach(c -> removeContainer(c.id));
        stopSandbox(id);
        FakeSandbox s = sandboxes.remove(id);
        if (s != null) {
            event(ContainerEvent.Type.REMOVED, id, s.config.labels(), null);
        }
    }

    SandboxStatus sandboxStatus(FakeSandbox s) {
        return new SandboxStatus(s.summary(), s.ip, s.config.namespaces().network());
    }

    List<Sandbox> listSandboxes(Map<String, String> labels) {
        return sandboxes.values().stream()
                .filter(s -> s.config.labels().entrySet().containsAll(labels.entrySet()))
                .sorted(Comparator.comparingLong((FakeSandbox s) -> s.sequence).reversed())
                .map(FakeSandbox::summary).toList();
    }

    // ------------------------------------------------------------------------------------------- containers

    String createContainer(String sandboxId, ContainerConfig config) {
        String what = "create container " + config.name() + " (attempt " + config.attempt() + ")";
        FakeSandbox s = sandboxes.get(sandboxId);
        if (s == null) {
            throw new RuntimeError.NotFound("fake: " + what + ": no such sandbox: " + sandboxId);
        }
        String imageRef = images.get(config.image());
        if (imageRef == null) {
            throw new RuntimeError.ImageUnavailable("fake: " + what + ": no such image: " + config.image(), null);
        }
        for (FakeContainer old : List.copyOf(containers.values())) {
            if (old.sandboxId.equals(sandboxId) && old.config.name().equals(config.name())
                    && old.config.attempt() == config.attempt()) {
                if (old.state == ContainerState.RUNNING) {
                    throw new RuntimeError.Refused("fake: " + what + ": the name is in use by running container "
                            + old.id, null);
                }
                removeContainer(old.id);
            }
        }
        String logPath = capabilities.logFiles() && s.config.logDirectory() != null && config.logPath() != null
                ? s.config.logDirectory() + "/" + config.logPath() : null;
        FakeContainer c = new FakeContainer(nextId("c0"), sandboxId, config, imageRef, now(), sequence, logPath);
        containers.put(c.id, c);
        return c.id;
    }

    /** Starts it; a {@code failure} (queued by a test) leaves it EXITED with a StartError, as a bad command does. */
    void startContainer(String id, RuntimeError failure) {
        FakeContainer c = containers.get(id);
        if (c == null) {
            throw new RuntimeError.NotFound("fake: start container: no such container: " + id);
        }
        if (c.state == ContainerState.RUNNING) {
            return;
        }
        if (c.state == ContainerState.EXITED) {
            throw new RuntimeError.Refused("fake: start container " + id + ": it ran already; create another", null);
        }
        FakeSandbox s = sandboxes.get(c.sandboxId);
        if (failure == null && (s == null || s.state != SandboxState.READY)) {
            failure = new RuntimeError.Refused("fake: start container " + id + ": its sandbox " + c.sandboxId
                    + " is not running", null);
        }
        if (failure != null) {
            c.state = ContainerState.EXITED;
            c.finishedAt = now();
            c.exitCode = START_ERROR_EXIT_CODE;
            c.reason = "StartError";
            c.message = failure.getMessage();
            throw failure;
        }
        c.state = ContainerState.RUNNING;
        c.startedAt = now();
        event(ContainerEvent.Type.STARTED, id, c.config.labels(), null);
    }

    void stopContainer(String id, Duration grace) {
        FakeContainer c = containers.get(id);
        if (c == null) {
            return;
        }
        c.lastStopGrace = grace;
        if (c.state == ContainerState.RUNNING) {
            exited(c, STOPPED_EXIT_CODE, false);
        }
    }

    void removeContainer(String id) {
        FakeContainer c = containers.get(id);
        if (c == null) {
            return;
        }
        if (c.state == ContainerState.RUNNING) {
            exited(c, KILLED_EXIT_CODE, false);
        }
        containers.remove(id);
        event(ContainerEvent.Type.REMOVED, id, c.config.labels(), null);
    }

    void exited(FakeContainer c, int code, boolean oomKilled) {
        c.state = ContainerState.EXITED;
        c.finishedAt = now();
        c.exitCode = code;
        c.reason = oomKilled ? "OOMKilled" : code == 0 ? "Completed" : "Error";
        event(ContainerEvent.Type.EXITED, c.id, c.config.labels(), code);
    }

    List<ContainerSummary> listContainers(Map<String, String> labels) {
        return containers.values().stream()
                .filter(c -> c.config.labels().entrySet().containsAll(labels.entrySet()))
                .sorted(Comparator.comparingLong((FakeContainer c) -> c.sequence).reversed())
                .map(FakeContainer::summary).toList();
    }

    FakeContainer running(String id, String what) {
        FakeContainer c = containers.get(id);
        if (c == null || c.state != ContainerState.RUNNING) {
            throw new RuntimeError.NotFound("fake: " + what + ": container " + id
                    + (c == null ? " does not exist" : " is not running"));
        }
        return c;
    }

    void appendLog(String id, LogLine.Stream stream, String text) {
        FakeContainer c = containers.get(id);
        if (c == null) {
            throw new IllegalStateException("fake container " + id + " does not exist");
        }
        c.log.add(new LogLine(stream, now(), text.getBytes(StandardCharsets.UTF_8), false));
        notifyAll();
    }

    private static String who(SandboxMetadata m) {
        return m.namespace() + "/" + m.name() + " (attempt " + m.attempt() + ")";
    }
}
