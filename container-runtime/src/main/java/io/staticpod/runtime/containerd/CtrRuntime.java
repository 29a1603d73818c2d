package io.staticpod.runtime.containerd;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.containerd.CtrOutput.Container;
import io.staticpod.runtime.containerd.CtrOutput.ImageConfig;
import io.staticpod.runtime.containerd.CtrOutput.Task;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.exec.EnvFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The {@link ContainerRuntime} over containerd's {@code ctr} CLI (tested with Debian's containerd 1.6.20), in a
 * containerd namespace of the agent's own. Every call goes through the {@link CommandRunner}; a new instance (a
 * restarted agent) finds every container again from containerd alone, and tasks run under their shims, so neither an
 * agent restart nor a containerd restart stops a pod. Thread-safe.
 *
 * <p><b>Identity.</b> The containerd id is 64 random hex digits, like a Docker id: containerd ids are limited to 76
 * characters and a name such as {@code k8s_<container>_<pod>_<ns>_<uid>_<attempt>} can be longer. The name and the
 * rest of what the adapter must remember live in labels of its own ({@link CtrLabels}), hidden from
 * {@link ContainerInfo#labels()}. A leftover container with the same name is removed before a start, as Docker's
 * adapter does.
 *
 * <p><b>Exit status.</b> {@code ctr tasks ls} shows no exit code and {@code ctr events} omits 0, but a stopped task
 * keeps its exit status until it is deleted, and {@code ctr tasks delete} reports it: a warning
 * {@code task <id> exit with non-zero exit code N}, or nothing for 0. So whenever {@link #inspect}, {@link #list} or
 * {@link #stop} finds a task STOPPED, the adapter deletes the task and writes the exit code and the time it saw the
 * task stopped onto the container as labels ({@code ctr containers label}); from then on the container has no task and
 * reports EXITED with that exact code. {@code finishedAt} is therefore when the adapter noticed (after {@link #stop}:
 * within 100 ms; otherwise at the next relist, about a second), not the kernel's exit time. Before deleting, the
 * task's memory cgroup is read for an OOM kill. A container whose task vanished without being recorded (a reboot)
 * reports EXITED with 255 and an error saying so.
 *
 * <p><b>Logs.</b> The container's stdout and stderr are appended to {@code <logDir>/<id>.log} (plain text, both
 * streams interleaved, no timestamps) by a logger process under the shim ({@link CtrRunArgs#logUri}), so they
 * outlive the agent and containerd restarts; the path is also in a label, and {@link #remove} deletes the file, as
 * Docker deletes its json log.
 *
 * <p><b>What differs from Docker.</b> There is no CNI here: a container owning its network (a sandbox) has a network
 * namespace with only loopback and no address ({@link ContainerInfo#ipAddress()} is always null), host ports are
 * <em>not published</em> (a warning is logged), and pods that need to be reached from outside must use hostNetwork.
 * ctr cannot set a hostname: a sandbox has its own UTS namespace holding the node's name, shared by the containers
 * joining it, and a hostNetwork container shares the node's. IPC sharing joins the SysV IPC namespace; each container
 * keeps its own {@code /dev/shm}. {@code startedAt} is the creation time ({@code ctr run} creates and starts at once).
 * ctr does not escalate stops, so {@link #stop} sends the stop signal, polls, and sends SIGKILL after the grace.
 */
public final class CtrRuntime implements ContainerRuntime, ContainerExec {

    private static final Logger log = LoggerFactory.getLogger(CtrRuntime.class);

    /** The containerd namespace used unless another is given. */
    public static final String DEFAULT_NAMESPACE = "static-pod-agent";
    /** Where container logs go unless another directory is given. */
    public static final Path DEFAULT_LOG_DIR = Path.of("/var/log/static-pod-agent/containers");

    /** How often {@link #stop} looks whether the task has ended. */
    static final Duration POLL = Duration.ofMillis(100);
    /** How long {@link #stop} waits for the task after SIGKILL before it gives up. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** A container without a task and younger than this is being started by {@code ctr run}. */
    static final Duration STARTING = Duration.ofSeconds(30);
    /**
     * How long {@code ctr} tries to reach containerd (its own default is 10 s): a containerd that is down is
     * reported within this time, while a local socket that answers is dialled in milliseconds even on a busy node.
     */
    static final String CONNECT_TIMEOUT = "3s";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Waiting between polls; a seam so that unit tests step a fake clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final CommandRunner runner;
    private final List<String> ctr;
    /** Hosts files of containers that own their network, by container id, next to the logs; null: none given. */
    private Path hostsDir;
    private final String namespace;
    private final Path logDir;
    private final Path cgroupRoot;
    private final Duration timeout;
    private final InstantSource clock;
    private final Sleeper sleeper;
    /** New container ids: 64 random hex digits. */
    private final Supplier<String> ids;
    /** containerd's record of each container seen by {@link #list}; only our exit labels ever change on one. */
    private final Map<String, Container> known = new ConcurrentHashMap<>();
    private final CtrImages images;
    /** Serialises task deletion, so that one exit status is recorded once by this instance. */
    private final Object harvestLock = new Object();

    /**
     * {@code ctr} from the PATH on {@code endpoint} ({@code unix:///run/containerd/containerd.sock} or a plain
     * socket path), namespace {@value #DEFAULT_NAMESPACE}, logs under {@link #DEFAULT_LOG_DIR}.
     */
    public CtrRuntime(CommandRunner runner, String endpoint) {
        this(runner, endpoint, DEFAULT_NAMESPACE, DEFAULT_LOG_DIR);
    }

    /** As {@link #CtrRuntime(CommandRunner, String)}, with the containerd namespace and the log directory. */
    public CtrRuntime(CommandRunner runner, String endpoint, String namespace, Path logDir) {
        this(runner, "ctr", endpoint, namespace, logDir, Path.of("/sys/fs/cgroup"), Duration.ofMinutes(2),
                Duration.ofMinutes(10), InstantSource.system(), d -> Thread.sleep(d.toMillis()),
                () -> HexFormat.of().formatHex(randomBytes()));
        this.hostsDir = logDir.resolveSibling("hosts");
    }

    CtrRuntime(CommandRunner runner, String ctr, String endpoint, String namespace, Path logDir, Path cgroupRoot,
               Duration timeout, Duration pullTimeout, InstantSource clock, Sleeper sleeper, Supplier<String> ids) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.ctr = List.of(Objects.requireNonNull(ctr, "ctr"), "--address", socketPath(endpoint),
                "--connect-timeout", CONNECT_TIMEOUT, "--namespace", namespace);
        this.logDir = Objects.requireNonNull(logDir, "logDir");
        this.cgroupRoot = Objects.requireNonNull(cgroupRoot, "cgroupRoot");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.images = new CtrImages(this::ctr, namespace, timeout, Objects.requireNonNull(pullTimeout, "pullTimeout"));
    }

    /** The socket path of a CRI-style endpoint: {@code unix:///x.sock} → {@code /x.sock}; a path stays as it is. */
    static String socketPath(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.startsWith("unix://")) {
            return endpoint.substring("unix://".length());
        }
        if (endpoint.contains("://")) {
            throw new IllegalArgumentException("containerd endpoint " + endpoint
                    + " is not a unix socket; expected unix:///path/to/containerd.sock");
        }
        return endpoint;
    }

    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public String version() {
        CommandResult result = ctr(timeout, "version");
        Optional<String> version = result.succeeded() ? CtrOutput.serverVersion(result.stdout()) : Optional.empty();
        if (version.isEmpty()) {
            throw new IllegalStateException("containerd not usable: " + CommandException.failed(result).getMessage());
        }
        return "containerd " + version.get();
    }

    @Override
    public ImageResult ensureImage(String image, PullPolicy policy) {
        return images.ensure(image, policy);
    }

    @Override
    public String start(LaunchSpec spec) {
        String ref = ImageRef.normalize(spec.image());
        ImageConfig image = images.local(ref).orElseThrow(() -> new IllegalStateException("No such image: "
                + spec.image() + " (" + ref + " is not in containerd namespace " + namespace + ")"));
        for (ContainerInfo leftover : list(Map.of())) {
            if (leftover.name().equals(spec.name())) {
                // a leftover of an agent that died between creating the container and recording it
                log.warn("Removing leftover container with the same name container={} id={}", spec.name(),
                        leftover.id());
                remove(leftover.id());
            }
        }
        long networkPid = joinedPid(spec.network(), "network");
        long ipcPid = joinedPid(spec.ipc(), "IPC");
        if (spec.network().mode() == Namespace.Mode.OWN && spec.ports().stream().anyMatch(p -> p.hostPort() > 0)) {
            log.warn("Host ports are not published on containerd (no CNI); use hostNetwork to be reachable"
                    + " container={} ports={}", spec.name(), spec.ports());
        }
        String id = ids.get();
        Path logPath = logDir.resolve(id + ".log");
        createDirectories(logDir);
        LaunchSpec launch = withHostsFile(spec, id);
        for (LaunchSpec.Mount mount : spec.mounts()) {
            // as docker run -v does; runc would refuse a missing source
            if (!Files.exists(Path.of(mount.hostPath()))) {
                createDirectories(Path.of(mount.hostPath()));
            }
        }
        Map<String, String> labels = new HashMap<>(spec.labels());
        labels.put(CtrLabels.NAME, spec.name());
        labels.put(CtrLabels.IMAGE, spec.image());
        labels.put(CtrLabels.IMAGE_ID, image.configDigest());
        labels.put(CtrLabels.LOG_PATH, logPath.toString());
        if (spec.stopSignal() != null && !spec.stopSignal().isEmpty()) {
            labels.put(CtrLabels.STOP_SIGNAL, spec.stopSignal());
        }
        List<String> unsupported = CtrRunArgs.unsupported(spec.options());
        if (!unsupported.isEmpty()) {
            log.warn("containerd via ctr cannot apply some settings of this container; it runs without them "
                    + "container={} settings={}", spec.name(), unsupported);
        }
        CtrRunArgs.Env env = CtrRunArgs.env(launch);
        CommandResult result;
        // the values stay off argv: see CtrRunArgs
        try (EnvFile envFile = env.fileLines().isEmpty() ? null : EnvFile.write(env.fileLines())) {
            List<String> argv = CtrRunArgs.of(ctr, launch, id, ref, image, networkPid, ipcPid,
                    CtrRunArgs.logUri(logPath), labels, env, envFile == null ? null : envFile.path());
            result = run(argv, timeout);
        }
        if (!result.succeeded()) {
            if (info(id).isPresent()) {
                // created without a task: keep the error for inspect, as Docker keeps State.Error
                ctr(timeout, "containers", "label", id, CtrLabels.ERROR + "=" + CtrErrors.errorLine(result));
            }
            throw CommandException.failed(result);
        }
        return id;
    }

    /**
     * ctr gives a container no {@code /etc/hosts} (Docker writes one, the kubelet mounts one): without it
     * {@code localhost} does not resolve in images that lack the file. A container that owns its network gets a
     * hosts file of its own (localhost, and the host aliases asked for), the containers joining it share that file,
     * and a host-network container gets the node's {@code /etc/hosts}, read-only, as the kubelet mounts them.
     */
    private LaunchSpec withHostsFile(LaunchSpec spec, String id) {
        if (hostsDir == null || spec.mounts().stream().anyMatch(m -> m.containerPath().equals("/etc/hosts"))) {
            return spec;
        }
        Path file;
        switch (spec.network().mode()) {
            case HOST -> file = Path.of("/etc/hosts");
            case CONTAINER -> file = hostsDir.resolve(spec.network().containerId());
            default -> {
                file = hostsDir.resolve(id);
                StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
                for (String alias : spec.options().extraHosts()) {
                    int colon = alias.lastIndexOf(':');
                    hosts.append(alias.substring(colon + 1)).append('\t').append(alias, 0, colon).append('\n');
                }
                try {
                    createDirectories(hostsDir);
                    Files.writeString(file, hosts.toString());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write the hosts file " + file, e);
                }
            }
        }
        if (!Files.exists(file)) {
            return spec;
        }
        List<LaunchSpec.Mount> mounts = new ArrayList<>(spec.mounts());
        mounts.add(new LaunchSpec.Mount(file.toString(), "/etc/hosts", true));
        return new LaunchSpec(spec.name(), spec.image(), spec.entrypoint(), spec.args(), spec.env(), spec.workingDir(),
                mounts, spec.ports(), spec.labels(), spec.network(), spec.ipc(), spec.hostname(), spec.stopSignal(),
                spec.options());
    }

    @Override
    public void stop(String id, Duration grace) {
        Optional<Container> container = info(id);
        if (container.isEmpty()) {
            return;
        }
        Task task = tasks().get(id);
        if (task == null) {
            return; // never started, or stopped and recorded already
        }
        if (task.running()) {
            String signal = stopSignal(container.get());
            kill(id, signal);
            if (!awaitStopped(id, grace)) {
                log.info("Container did not stop within its grace period; killing it id={} signal={} grace={}",
                        id, signal, grace);
                kill(id, "SIGKILL");
                if (!awaitStopped(id, KILL_WAIT)) {
                    throw new IllegalStateException("task " + id + " still runs " + KILL_WAIT
                            + " after SIGKILL (`ctr tasks ls` shows it RUNNING)");
                }
            }
        }
        harvest(id);
    }

    @Override
    public void remove(String id) {
        Optional<Container> container = info(id);
        if (container.isEmpty()) {
            known.remove(id);
            return;
        }
        CommandResult task = ctr(timeout, "tasks", "delete", "--force", id);
        if (!task.succeeded() && !CtrErrors.isNotFound(task)) {
            throw CommandException.failed(task);
        }
        // deletes the container's snapshot too
        CommandResult delete = ctr(timeout, "containers", "delete", id);
        if (!delete.succeeded() && !CtrErrors.isNotFound(delete)) {
            throw CommandException.failed(delete);
        }
        known.remove(id);
        try {
            if (hostsDir != null) {
                Files.deleteIfExists(hostsDir.resolve(id));
            }
        } catch (IOException e) {
            log.debug("Cannot delete the hosts file of a removed container id={} error={}", id, e.toString());
        }
        String logPath = container.get().label(CtrLabels.LOG_PATH);
        if (logPath != null) {
            try {
                Files.deleteIfExists(Path.of(logPath));
            } catch (IOException e) {
                log.warn("Cannot delete the log of a removed container id={} path={} error={}", id, logPath,
                        e.toString());
            }
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
        Optional<Container> container = info(id);
        if (container.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(describe(container.get(), tasks().get(id)));
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        List<String> ids = CtrOutput.ids(ctr(timeout, "containers", "ls", "-q").orThrow().stdout());
        Map<String, Task> tasks = tasks();
        known.keySet().retainAll(ids);
        List<ContainerInfo> found = new ArrayList<>();
        for (String id : ids) {
            Container c = known.get(id);
            if (c == null || (tasks.get(id) == null && c.label(CtrLabels.EXIT_CODE) == null
                    && c.label(CtrLabels.ERROR) == null)) {
                c = info(id).orElse(null); // new to us, or its exit may have been recorded by another instance
                if (c == null) {
                    continue; // removed meanwhile
                }
            }
            if (!CtrLabels.visible(c.labels()).entrySet().containsAll(labels.entrySet())) {
                continue;
            }
            ContainerInfo info = describe(c, tasks.get(id));
            if (info != null) {
                found.add(info);
            }
        }
        found.sort(Comparator.comparing(ContainerInfo::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return found;
    }

    /** The container with its state; a STOPPED task is recorded (and deleted) first. Null if it vanished. */
    private ContainerInfo describe(Container c, Task task) {
        if (task != null && task.stopped()) {
            harvest(c.id());
            c = info(c.id()).orElse(null);
            if (c == null) {
                return null;
            }
            task = null;
        }
        Map<String, String> l = c.labels();
        String name = l.getOrDefault(CtrLabels.NAME, c.id());
        String image = l.getOrDefault(CtrLabels.IMAGE, c.image());
        String imageId = l.get(CtrLabels.IMAGE_ID);
        Map<String, String> visible = CtrLabels.visible(l);
        Instant created = c.createdAt();
        if (task != null) {
            ContainerInfo.State state = task.running() ? ContainerInfo.State.RUNNING
                    : task.status().equals("CREATED") ? ContainerInfo.State.CREATED : ContainerInfo.State.UNKNOWN;
            return new ContainerInfo(c.id(), name, image, imageId, visible, state, 0, false, created,
                    state == ContainerInfo.State.CREATED ? null : created, null, null, null);
        }
        if (l.containsKey(CtrLabels.EXIT_CODE)) {
            return new ContainerInfo(c.id(), name, image, imageId, visible, ContainerInfo.State.EXITED,
                    Integer.parseInt(l.get(CtrLabels.EXIT_CODE)), "true".equals(l.get(CtrLabels.OOM_KILLED)),
                    created, created, CtrOutput.time(l.getOrDefault(CtrLabels.FINISHED_AT, "")), null, null);
        }
        if (l.containsKey(CtrLabels.ERROR)) {
            return new ContainerInfo(c.id(), name, image, imageId, visible, ContainerInfo.State.CREATED, 0, false,
                    created, null, null, null, l.get(CtrLabels.ERROR));
        }
        if (created != null && created.plus(STARTING).isAfter(clock.instant())) {
            return new ContainerInfo(c.id(), name, image, imageId, visible, ContainerInfo.State.CREATED, 0, false,
                    created, null, null, null, null);
        }
        return new ContainerInfo(c.id(), name, image, imageId, visible, ContainerInfo.State.EXITED, 255, false,
                created, created, null, null,
                "the task is gone and its exit status was never recorded (was the node rebooted?)");
    }

    /**
     * Deletes a stopped task and records its exit status on the container. A task that is already gone was
     * recorded by someone else (another instance) and is left alone.
     */
    private void harvest(String id) {
        synchronized (harvestLock) {
            Instant seen = clock.instant();
            boolean oom = CgroupOom.killed(cgroupRoot, namespace, id);
            CommandResult delete = ctr(timeout, "tasks", "delete", id);
            if (!delete.succeeded()) {
                if (CtrErrors.isNotFound(delete)) {
                    return;
                }
                throw CommandException.failed(delete);
            }
            int code = CtrErrors.exitStatusOfDeletedTask(delete);
            List<String> label = new ArrayList<>(List.of("containers", "label", id,
                    CtrLabels.EXIT_CODE + "=" + code, CtrLabels.FINISHED_AT + "=" + seen));
            if (oom) {
                label.add(CtrLabels.OOM_KILLED + "=true");
            }
            CommandResult labelled = ctr(timeout, label.toArray(String[]::new));
            if (!labelled.succeeded() && !CtrErrors.isNotFound(labelled)) {
                throw CommandException.failed(labelled);
            }
            known.remove(id);
            log.debug("Recorded the exit of a container id={} exitCode={} oomKilled={}", id, code, oom);
        }
    }

    private boolean awaitStopped(String id, Duration limit) {
        Instant deadline = clock.instant().plus(limit);
        while (true) {
            Task task = tasks().get(id);
            if (task == null || !task.running()) {
                return true;
            }
            if (!clock.instant().isBefore(deadline)) {
                return false;
            }
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping container " + id, e);
            }
        }
    }

    private void kill(String id, String signal) {
        CommandResult kill = ctr(timeout, "tasks", "kill", "--signal", signal, id);
        if (!kill.succeeded() && !CtrErrors.isNotFound(kill)) {
            throw CommandException.failed(kill);
        }
    }

    private static String stopSignal(Container c) {
        String signal = c.label(CtrLabels.STOP_SIGNAL);
        if (signal == null || signal.isEmpty()) {
            signal = c.label(CtrLabels.IMAGE_STOP_SIGNAL);
        }
        return signal == null || signal.isEmpty() ? "SIGTERM" : signal;
    }

    /** The pid of the running task whose namespace a container joins; 0 when it joins none. */
    private long joinedPid(Namespace ns, String what) {
        if (ns.mode() != Namespace.Mode.CONTAINER) {
            return 0;
        }
        Task task = tasks().get(ns.containerId());
        if (task == null || !task.running()) {
            throw new IllegalStateException("cannot join " + what + " of a non running container: "
                    + ns.containerId());
        }
        return task.pid();
    }

    private Map<String, Task> tasks() {
        return CtrOutput.tasks(ctr(timeout, "tasks", "ls").orThrow().stdout());
    }

    private Optional<Container> info(String id) {
        CommandResult result = ctr(timeout, "containers", "info", id);
        if (CtrErrors.isNotFound(result)) {
            known.remove(id);
            return Optional.empty();
        }
        Container c = CtrOutput.container(result.orThrow().stdout());
        known.put(id, c);
        return Optional.of(c);
    }

    /** {@code ctr tasks exec}: runs the command in the container's task and waits for it, for exec probes. */
    @Override
    public ContainerExec.Result exec(String containerId, List<String> command, Duration timeout) {
        List<String> argv = new ArrayList<>(ctr);
        argv.addAll(List.of("tasks", "exec", "--exec-id", "probe-" + HexFormat.of().formatHex(randomBytes())
                .substring(0, 12), containerId));
        argv.addAll(command);
        CommandResult result;
        try {
            result = run(argv, timeout);
        } catch (CommandException e) {
            if (e.exitCode() == -1 && e.getMessage().contains("did not finish within")) {
                return new ContainerExec.Result(-1, e.getMessage(), true);
            }
            throw e;
        }
        if (result.exitCode() != 0 && CtrErrors.isNotFound(result)) {
            throw CommandException.failed(result);
        }
        return new ContainerExec.Result(result.exitCode(), result.stdout() + result.stderr(), false);
    }

    private CommandResult ctr(Duration limit, String... args) {
        List<String> argv = new ArrayList<>(ctr);
        argv.addAll(List.of(args));
        return run(argv, limit);
    }

    private CommandResult run(List<String> argv, Duration limit) {
        CommandResult result = runner.run(argv, limit);
        if (log.isDebugEnabled()) {
            log.debug("Ran ctr command argv=\"{}\" exitCode={}", CommandException.quote(argv), result.exitCode());
        }
        return result;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

}
