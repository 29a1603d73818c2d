package io.staticpod.runtime.containerd;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ContainerExec;
import io.staticpod.runtime.ContainerRuntime;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.ctr.CtrCli;
import io.staticpod.runtime.ctr.CtrErrors;
import io.staticpod.runtime.ctr.CtrFlags;
import io.staticpod.runtime.ctr.CtrImages;
import io.staticpod.runtime.ctr.CtrLabels;
import io.staticpod.runtime.ctr.CtrOutput;
import io.staticpod.runtime.ctr.CtrOutput.Container;
import io.staticpod.runtime.ctr.CtrOutput.ImageConfig;
import io.staticpod.runtime.ctr.CtrOutput.Task;
import io.staticpod.runtime.ctr.CtrTasks;
import io.staticpod.runtime.ctr.ImageRef;
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
 * <p><b>Exit status.</b> Whenever {@link #inspect}, {@link #list} or {@link #stop} finds a task STOPPED, its exact exit
 * status is recorded on the container ({@link CtrTasks}, shared with the pod-level {@code io.staticpod.runtime.ctr}
 * adapter, as are the ctr helpers of that package); from then on the container reports EXITED with that code. A
 * container whose task vanished without being recorded (a reboot) reports EXITED with 255 and an error saying so.
 *
 * <p><b>Logs.</b> The container's stdout and stderr are appended to {@code <logDir>/<id>.log} (plain text, both
 * streams interleaved, no timestamps) by a logger process under the shim ({@link CtrFlags#logUri}), so they
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
    static final Duration POLL = CtrTasks.POLL;
    /** A container without a task and younger than this is being started by {@code ctr run}. */
    static final Duration STARTING = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CtrCli cli;
    /** Hosts files of containers that own their network, by container id, next to the logs; null: none given. */
    private Path hostsDir;
    private final String namespace;
    private final Path logDir;
    private final Duration timeout;
    private final InstantSource clock;
    /** New container ids: 64 random hex digits. */
    private final Supplier<String> ids;
    private final CtrTasks tasks;
    private final CtrImages images;

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
               Duration timeout, Duration pullTimeout, InstantSource clock, CtrTasks.Sleeper sleeper,
               Supplier<String> ids) {
        this.cli = new CtrCli(runner, ctr, endpoint, namespace);
        this.namespace = namespace;
        this.logDir = Objects.requireNonNull(logDir, "logDir");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.tasks = new CtrTasks(cli, cgroupRoot, timeout, clock, sleeper);
        this.images = new CtrImages(cli, timeout, Objects.requireNonNull(pullTimeout, "pullTimeout"));
    }

    /** The socket path of a CRI-style endpoint: {@code unix:///x.sock} → {@code /x.sock}; a path stays as it is. */
    static String socketPath(String endpoint) {
        return CtrCli.socketPath(endpoint);
    }

    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public String version() {
        CommandResult result = cli.run(timeout, "version");
        Optional<String> version = result.succeeded() ? CtrOutput.serverVersion(result.stdout()) : Optional.empty();
        if (version.isEmpty()) {
            throw new IllegalStateException("containerd not usable: " + CommandException.failed(result).getMessage());
        }
        return "containerd " + version.get();
    }

    /** With the Docker adapter's fallback rules: ALWAYS uses the local image when the pull fails. */
    @Override
    public ImageResult ensureImage(String image, PullPolicy policy) {
        String ref = ImageRef.normalize(image);
        switch (policy) {
            case NEVER:
                return images.local(ref).map(c -> new ImageResult(image, c.configDigest(), false, null))
                        .orElseThrow(() -> new IllegalStateException("image " + image + " (" + ref
                                + ") not present in containerd namespace " + namespace
                                + " and imagePullPolicy is Never"));
            case IF_NOT_PRESENT: {
                Optional<ImageConfig> local = images.local(ref);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get().configDigest(), false, null);
                }
                CommandResult pull = images.pullRef(ref);
                if (!pull.succeeded()) {
                    throw new IllegalStateException("image " + image + " not present, and "
                            + CommandException.failed(pull).getMessage());
                }
                return new ImageResult(image, pulledImage(ref), true, null);
            }
            case ALWAYS: {
                CommandResult pull = images.pullRef(ref);
                if (pull.succeeded()) {
                    return new ImageResult(image, pulledImage(ref), true, null);
                }
                String pullError = CommandException.failed(pull).getMessage();
                Optional<ImageConfig> local = images.local(ref);
                if (local.isPresent()) {
                    return new ImageResult(image, local.get().configDigest(), false, pullError);
                }
                throw new IllegalStateException("image " + image + " cannot be pulled (" + pullError
                        + ") and is not present in containerd namespace " + namespace);
            }
            default:
                throw new IllegalArgumentException("unknown pull policy " + policy);
        }
    }

    private String pulledImage(String ref) {
        return images.local(ref).orElseThrow(() -> new IllegalStateException(
                "`ctr images pull " + ref + "` succeeded but the image is not present afterwards")).configDigest();
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
            List<String> argv = CtrRunArgs.of(cli.base(), launch, id, ref, image, networkPid, ipcPid,
                    CtrFlags.logUri(logPath), labels, env, envFile == null ? null : envFile.path());
            result = cli.runArgv(argv, timeout);
        }
        if (!result.succeeded()) {
            if (tasks.info(id).isPresent()) {
                // created without a task: keep the error for inspect, as Docker keeps State.Error
                cli.run(timeout, "containers", "label", id, CtrLabels.ERROR + "=" + CtrErrors.errorLine(result));
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
        tasks.info(id).ifPresent(c -> tasks.stop(c, grace));
    }

    @Override
    public void remove(String id) {
        Optional<Container> container = tasks.info(id);
        if (container.isEmpty()) {
            return;
        }
        tasks.remove(container.get());
        try {
            if (hostsDir != null) {
                Files.deleteIfExists(hostsDir.resolve(id));
            }
        } catch (IOException e) {
            log.debug("Cannot delete the hosts file of a removed container id={} error={}", id, e.toString());
        }
    }

    @Override
    public Optional<ContainerInfo> inspect(String id) {
        return tasks.look(id).map(s -> describe(s.container(), s.task()));
    }

    @Override
    public List<ContainerInfo> list(Map<String, String> labels) {
        List<ContainerInfo> found = new ArrayList<>();
        for (CtrTasks.Seen seen : tasks.scan()) {
            if (CtrLabels.visible(seen.container().labels()).entrySet().containsAll(labels.entrySet())) {
                found.add(describe(seen.container(), seen.task()));
            }
        }
        found.sort(Comparator.comparing(ContainerInfo::createdAt, Comparator.nullsLast(Comparator.reverseOrder())));
        return found;
    }

    /** The container with its state; {@code task} is never a STOPPED one ({@link CtrTasks} records those). */
    private ContainerInfo describe(Container c, Task task) {
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

    /** The pid of the running task whose namespace a container joins; 0 when it joins none. */
    private long joinedPid(Namespace ns, String what) {
        if (ns.mode() != Namespace.Mode.CONTAINER) {
            return 0;
        }
        Task task = tasks.tasks().get(ns.containerId());
        if (task == null || !task.running()) {
            throw new IllegalStateException("cannot join " + what + " of a non running container: "
                    + ns.containerId());
        }
        return task.pid();
    }

    /** {@code ctr tasks exec}: runs the command in the container's task and waits for it, for exec probes. */
    @Override
    public ContainerExec.Result exec(String containerId, List<String> command, Duration timeout) {
        List<String> argv = new ArrayList<>(cli.base());
        argv.addAll(List.of("tasks", "exec", "--exec-id", "probe-" + HexFormat.of().formatHex(randomBytes())
                .substring(0, 12), containerId));
        argv.addAll(command);
        CommandResult result;
        try {
            result = cli.runArgv(argv, timeout);
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
