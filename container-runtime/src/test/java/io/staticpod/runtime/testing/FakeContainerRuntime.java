package io.staticpod.runtime.testing;

import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.PullPolicy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link ContainerRuntime} that behaves, as far as the SPI can observe, like {@code DockerCliRuntime}
 * on Docker 20.10 (the shared {@link ContainerRuntimeContract} keeps the two honest). There are no processes: a
 * started container runs until a test calls {@link #exit}, {@link #crash} or {@link #oomKill}, or until it is
 * stopped; {@link #stop} ignores the grace period, records it, and returns at once.
 *
 * <p>What it copies from Docker: a start with a missing image fails without pulling; a failed start leaves a
 * CREATED container carrying the error; a leftover container with the same name is replaced; joining the network or
 * IPC of a missing or stopped container fails that way too; a container owning its network gets an address
 * ({@code 10.88.0.N}) while it runs, one joining another's network or the host's has none; {@link #list} returns
 * the newest first. {@link #newClientOfSameEngine()} is a second client of the same engine, as a restarted agent is.
 *
 * <p>Thread-safe: all state lives in one {@link Engine}, guarded by its monitor.
 */
public final class FakeContainerRuntime implements ContainerRuntime, ContainerExec {

    /** Shared between the clients of one fake engine. Every field is guarded by this object's monitor. */
    private static final class Engine {
        final Map<String, FakeContainer> containers = new LinkedHashMap<>();
        final Map<String, String> images = new LinkedHashMap<>();
        InstantSource clock;
        long sequence;
        int nextIp = 2;
        boolean noAddresses;
        String pullFailure;
        String nextStartFailure;
        String unavailable;
        int stopExitCode = 143;
        int starts;
        int stops;
        int removes;
        int pulls;

        Engine(InstantSource clock) {
            this.clock = clock;
        }
    }

    private final Engine engine;
    private volatile java.util.function.BiFunction<String, List<String>, ContainerExec.Result> execHandler =
            (id, command) -> new ContainerExec.Result(0, "", false);

    /** A fake engine on the system clock. */
    public FakeContainerRuntime() {
        this(Clock.systemUTC());
    }

    /** A fake engine whose timestamps come from {@code clock}. */
    public FakeContainerRuntime(InstantSource clock) {
        this(new Engine(clock));
    }

    private FakeContainerRuntime(Engine engine) {
        this.engine = engine;
    }

    /** Another client of the same engine: sees the same containers, images, knobs and counters. */
    public FakeContainerRuntime newClientOfSameEngine() {
        return new FakeContainerRuntime(engine);
    }

    // ----------------------------------------------------------------------------------------------- knobs

    public void setClock(InstantSource clock) {
        synchronized (engine) {
            engine.clock = clock;
        }
    }

    /** Makes the image present locally, with an id derived from its reference. Returns that id. */
    public String addImage(String image) {
        synchronized (engine) {
            return engine.images.computeIfAbsent(image, FakeContainerRuntime::imageIdOf);
        }
    }

    public void removeImage(String image) {
        synchronized (engine) {
            engine.images.remove(image);
        }
    }

    /** Every pull fails with {@code message} (null: pulls succeed again, which is the default). */
    public void failPulls(String message) {
        synchronized (engine) {
            engine.pullFailure = message;
        }
    }

    /** The next {@link #start} creates the container, leaves it CREATED with this error, and throws it. */
    public void failNextStart(String message) {
        synchronized (engine) {
            engine.nextStartFailure = message;
        }
    }

    /** Every call throws {@code message}, as with a stopped daemon (null: available again). */
    public void setUnavailable(String message) {
        synchronized (engine) {
            engine.unavailable = message;
        }
    }

    /** The exit code {@link #stop} gives a running container (default 143: ended by SIGTERM). */
    /** From now on a container owning its network gets no address, as on containerd through ctr (no CNI). */
    public void withoutAddresses() {
        synchronized (engine) {
            engine.noAddresses = true;
        }
    }

    public void setStopExitCode(int code) {
        synchronized (engine) {
            engine.stopExitCode = code;
        }
    }

    /** The container's process exits with {@code code}. */
    public void exit(String id, int code) {
        end(id, code, false);
    }

    /** The container's process fails: exit code 1. */
    public void crash(String id) {
        end(id, 1, false);
    }

    /** The kernel's OOM killer ends the container: exit code 137, {@code oomKilled}. */
    public void oomKill(String id) {
        end(id, 137, true);
    }

    private void end(String id, int code, boolean oom) {
        synchronized (engine) {
            FakeContainer c = engine.containers.get(id);
            if (c == null || c.state != ContainerInfo.State.RUNNING) {
                throw new IllegalStateException("fake container " + id + " is not running");
            }
            c.exited(code, oom, engine.clock.instant());
        }
    }

    // -------------------------------------------------------------------------------------------- counters

    public int starts() {
        synchronized (engine) {
            return engine.starts;
        }
    }

    public int stops() {
        synchronized (engine) {
            return engine.stops;
        }
    }

    public int removes() {
        synchronized (engine) {
            return engine.removes;
        }
    }

    public int pulls() {
        synchronized (engine) {
            return engine.pulls;
        }
    }

    /** The grace given to the last {@link #stop} of this container, if it was stopped while it existed. */
    public Optional<Duration> lastStopGrace(String id) {
        synchronized (engine) {
            return Optional.ofNullable(engine.containers.get(id)).map(c -> c.lastStopGrace);
        }
    }

    /** The spec a container was started with (what {@code docker inspect} would show of it). */
    public Optional<LaunchSpec> launchSpec(String id) {
        synchronized (engine) {
            return Optional.ofNullable(engine.containers.get(id)).map(c -> c.spec);
        }
    }

    /** What {@link #exec} answers (by default: exit 0 for every command in a running container). */
    public void setExecHandler(java.util.function.BiFunction<String, List<String>, ContainerExec.Result> handler) {
        execHandler = handler;
    }

    @Override
    public ContainerExec.Result exec(String containerId, List<String> command, Duration timeout) {
        if (inspect(containerId).filter(ContainerInfo::running).isEmpty()) {
            throw new IllegalStateException("container " + containerId + " is not running");
        }
        return execHandler.apply(containerId, command);
    }

    // ------------------------------------------------------------------------------------------------ SPI

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public String version() {
        synchronized (engine) {
            checkAvailable();
            return "fake 1.0";
        }
    }

    @Override
    public ImageResult ensureImage(String image, PullPolicy policy) {
        synchronized (engine) {
            checkAvailable();
            String local = engine.images.get(image);
            if (policy == PullPolicy.NEVER || (policy == PullPolicy.IF_NOT_PRESENT && local != null)) {
                if (local == null) {
                    throw new IllegalStateException("image " + image + " not present and imagePullPolicy is Never");
                }
                return new ImageResult(image, local, false, null);
            }
            engine.pulls++;
            if (engine.pullFailure == null) {
                return new ImageResult(image, addImage(image), true, null);
            }
            String pullError = "`docker pull " + image + "` failed with exit code 1: " + engine.pullFailure;
            if (local != null && policy == PullPolicy.ALWAYS) {
                return new ImageResult(image, local, false, pullError);
            }
            throw new IllegalStateException("image " + image + " cannot be pulled (" + pullError
                    + ") and is not present locally");
        }
    }

    @Override
    public String start(LaunchSpec spec) {
        synchronized (engine) {
            checkAvailable();
            engine.starts++;
            String imageId = engine.images.get(spec.image());
            if (imageId == null) {
                throw new IllegalStateException("fake: No such image: " + spec.image());
            }
            engine.containers.values().removeIf(c -> c.spec.name().equals(spec.name()));
            long n = ++engine.sequence;
            FakeContainer c = new FakeContainer(idOf(n), spec, imageId, engine.clock.instant(), n);
            engine.containers.put(c.id, c);
            String failure = engine.nextStartFailure != null ? engine.nextStartFailure
                    : joinError("network", spec.network()) != null ? joinError("network", spec.network())
                    : joinError("IPC", spec.ipc());
            engine.nextStartFailure = null;
            if (failure != null) {
                c.error = failure;
                throw new IllegalStateException("fake: start of " + spec.name() + " failed: " + failure);
            }
            c.state = ContainerInfo.State.RUNNING;
            c.startedAt = engine.clock.instant();
            if (spec.network().mode() == Namespace.Mode.OWN && !engine.noAddresses) {
                c.ipAddress = "10.88." + (engine.nextIp / 256) + "." + (engine.nextIp % 256);
                engine.nextIp++;
            }
            return c.id;
        }
    }

    private String joinError(String what, Namespace ns) {
        if (ns.mode() != Namespace.Mode.CONTAINER) {
            return null;
        }
        FakeContainer target = engine.containers.get(ns.containerId());
        if (target == null) {
            return "No such container: " + ns.containerId();
        }
        return target.state == ContainerInfo.State.RUNNING ? null
                : "cannot join " + what + " of a non running container: " + target.id;
    }

    @Override
    public void stop(String id, Duration grace) {
        synchronized (engine) {
            checkAvailable();
            engine.stops++;
            FakeContainer c = engine.containers.get(id);
            if (c == null) {
                return;
            }
            c.lastStopGrace = grace;
            if (c.state == ContainerInfo.State.RUNNING) {
                c.exited(engine.stopExitCode, false, engine.clock.instant());
            }
        }
    }

    @Override
    public void remove(String id) {
        synchronized (engine) {
            checkAvailable();
            engine.removes++;
            engine.containers.remove(id);
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
        synchronized (engine) {
            checkAvailable();
            return Optional.ofNullable(engine.containers.get(id)).map(FakeContainer::info);
        }
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        synchronized (engine) {
            checkAvailable();
            return engine.containers.values().stream()
                    .filter(c -> c.spec.labels().entrySet().containsAll(labels.entrySet()))
                    .sorted(Comparator.comparingLong((FakeContainer c) -> c.sequence).reversed())
                    .map(FakeContainer::info)
                    .toList();
        }
    }

    private void checkAvailable() {
        if (engine.unavailable != null) {
            throw new IllegalStateException("fake engine unavailable: " + engine.unavailable);
        }
    }

    private static String idOf(long n) {
        return sha256("fake-container-" + n);
    }

    private static String imageIdOf(String image) {
        return "sha256:" + sha256("fake-image-" + image);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
