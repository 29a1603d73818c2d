package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrTasks.Seen;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.CommandRunner;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerLogs;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ExecSync;
import io.staticpod.runtime.spi.ExitEvents;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeParts;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.RuntimeVersion;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The pod-level {@link ContainerRuntime} over containerd's {@code ctr} CLI ({@code --runtime ctr}), tested with
 * Debian's containerd 1.6.20, in a containerd namespace of its own. Every call spawns {@code ctr} through the
 * {@link CommandRunner} (the exception to "no process on the steady-state path" that CLI adapters are); a new
 * instance (a restarted agent) finds everything again from containerd alone, and tasks run under their shims, so
 * neither an agent restart nor a containerd restart stops a pod. Thread-safe. Built with {@link #create}.
 *
 * <p><b>Sandboxes and containers.</b> A sandbox is a pause container ({@code ctr run -d --null-io}) in network, IPC
 * and UTS namespaces of its own, or the node's network (and UTS) namespace for a hostNetwork pod; the pod's containers
 * ({@code ctr containers create}, then {@code ctr tasks start -d}) join them through {@code /proc/<pause pid>/ns/*},
 * and its PID namespace when their security says {@code POD} (shareProcessNamespace). Ids are 64 random hex digits;
 * names, attempts, the sandbox, the pod's metadata, the image asked for, the log path and annotations are labels of
 * our own ({@link CtrLabels}), never shown as the container's labels, so everything round-trips through
 * {@link #snapshot}, the lists and the statuses. A leftover of the same sandbox attempt, or of the same container
 * name and attempt in a sandbox, is removed before a new one is made (a running container of that name is refused).
 *
 * <p><b>No pod network.</b> There is no CNI through ctr: a sandbox's network namespace has loopback only, no address
 * ({@code podNetwork=false}), and host ports are not published ({@code hostPorts=false}; a WARN names them). Pods
 * reached from outside must use hostNetwork.
 *
 * <p><b>Exits.</b> ctr shows no exit code in {@code tasks ls}; the exact status is recorded when a stopped task is
 * found and deleted ({@link CtrTasks}: at the next list, status or stop), OOM kills from the task's memory cgroup.
 * Reasons: {@code Completed}, {@code Error}, {@code OOMKilled}, and {@code StartError} (exit code 128, ctr's error as
 * the message) for a task that could not start. There are no exit events ({@code exitEvents=false}): ctr's event
 * stream carries neither labels nor exit code 0, so the relist alone sees exits.
 *
 * <p><b>Stop</b> sends the stop signal (the image's, else SIGTERM), polls every 100 ms, and sends SIGKILL after the
 * grace period: ctr does not escalate by itself. Its deadline is the grace period plus 10 s after SIGKILL, plus one
 * call deadline per ctr call when containerd hangs. <b>Deadlines</b>: {@value #CALL_SECONDS} s per ctr call (lists,
 * statuses, kills, labels), {@value #CREATE_SECONDS} s for running a sandbox, creating and starting a container, 10
 * minutes for a pull; ctr itself gives up reaching containerd after {@link CtrCli#CONNECT_TIMEOUT}.
 *
 * <p><b>Logs</b> ({@code logs=true}, {@code logFiles=false}): each container's stdout and stderr go to
 * {@code <logDir>/<id>.log}, in the CRI log format (a time, the stream and a partial flag per line) by a logger under
 * the shim ({@link CtrLoggers}), so they outlive the agent and containerd restarts; {@link ContainerLogs} reads them
 * ({@link FileLogReader}), and removing the container deletes the file. <b>Exec</b> ({@code exec=true}) is
 * {@code ctr tasks exec}.
 *
 * <p><b>Environment</b> values never reach a command line: they go through a private {@code --env-file} deleted as
 * soon as ctr returns. ctr reads that file line by line and has no other way in, so a value it cannot carry (a line
 * break, a trailing carriage return, 60 KB or more) is refused ({@link RuntimeError.Refused} naming the variable, not
 * its value; {@code multiLineEnv=false}).
 *
 * <p><b>Applied</b> beyond ctr's own flags: the pod's host name, set in the sandbox's UTS namespace with
 * {@code nsenter} and {@code hostname} (Essential on Debian; a WARN when it fails, the pod then sees the node's
 * name); {@code /etc/hosts} (localhost; the node's on its network) and {@code /etc/resolv.conf} (the sandbox's DNS
 * config, or a copy of the node's) from {@link SandboxFiles}; in-memory volumes as tmpfs mounts with their size; CPU
 * shares in the task's cgroup before it starts ({@link CgroupCpu}); capabilities with {@code ALL} worked out into
 * the lists ctr takes ({@link CtrFlags#security}); namespaced sysctls in the sandbox's own IPC and network
 * namespaces ({@link CtrSysctls}). <b>Not applied</b>, each named in a WARN (the pod runs without it, as before this
 * adapter): runAsUser/runAsGroup and supplementalGroups ({@code runAsUser=false}: ctr 1.6 has no {@code --user}), an
 * oom_score_adj, host ports.
 */
public final class CtrPodRuntime implements ContainerRuntime {

    /** The containerd namespace unless another is given. */
    public static final String DEFAULT_NAMESPACE = "static-pod-agent";
    /** Where container logs go unless another directory is given. */
    public static final Path DEFAULT_LOG_DIR = Path.of("/var/log/static-pod-agent/containers");
    /**
     * No pod network, no host ports, exec, no exit events, logs the agent reads through this runtime, no users, no
     * environment values with line breaks.
     */
    public static final Capabilities CAPABILITIES = new Capabilities(false, false, true, false, true, false, false,
            false, false, false);

    static final long CALL_SECONDS = 30;
    static final long CREATE_SECONDS = 120;
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The node as the adapter sees it, and the seams unit tests replace.
     *
     * @param filesDir where {@link SandboxFiles} keeps each sandbox's hosts and resolv.conf
     * @param perl     the interpreter of the containers' log writer ({@link CtrLoggers})
     * @param ids      new container and sandbox ids
     */
    record Node(Path cgroupRoot, Path filesDir, Path nodeHosts, Path nodeResolvConf, Path perl, InstantSource clock,
                CtrTasks.Sleeper sleeper, FileLogReader.Waiter waiter, Supplier<String> ids) {
    }

    private final CtrCli cli;
    private final Duration timeout = Duration.ofSeconds(CALL_SECONDS);
    private final CtrTasks tasks;
    private final RuntimeParts parts;
    private final CtrExec exec;
    private final CtrLogs logs;

    /**
     * The adapter for the agent's wiring: {@code ctr} from the PATH, the node's cgroups under {@code /sys/fs/cgroup},
     * each sandbox's hosts and resolv.conf under {@code <logDir>/../sandboxes/}. No call to containerd yet.
     *
     * @param socket       containerd's socket, {@code unix:///run/containerd/containerd.sock} or a plain path
     * @param namespace    the containerd namespace of the agent's pods ({@link #DEFAULT_NAMESPACE})
     * @param sandboxImage the pause image ({@code --pod-infra-container-image}), already in that namespace
     * @param logDir       where each container's output goes ({@link #DEFAULT_LOG_DIR})
     * @param runner       the process seam ({@code new ProcessCommandRunner()})
     * @throws IllegalArgumentException when the socket is not a UNIX socket
     */
    public static CtrPodRuntime create(String socket, String namespace, String sandboxImage, Path logDir,
                                       CommandRunner runner) {
        return new CtrPodRuntime(runner, "ctr", socket, namespace, sandboxImage, logDir, new Node(
                Path.of("/sys/fs/cgroup"), logDir.toAbsolutePath().resolveSibling("sandboxes"), Path.of("/etc/hosts"),
                Path.of("/etc/resolv.conf"), Path.of("/usr/bin/perl"), InstantSource.system(),
                d -> Thread.sleep(d.toMillis()),
                FileLogReader.MONITOR, () -> HexFormat.of().formatHex(randomBytes())));
    }

    CtrPodRuntime(CommandRunner runner, String ctr, String socket, String namespace, String sandboxImage, Path logDir,
                  Node node) {
        Objects.requireNonNull(sandboxImage, "sandboxImage");
        Objects.requireNonNull(logDir, "logDir");
        this.cli = new CtrCli(runner, ctr, socket, namespace);
        Duration createTimeout = Duration.ofSeconds(CREATE_SECONDS);
        this.tasks = new CtrTasks(cli, node.cgroupRoot(), timeout, node.clock(), node.sleeper());
        CtrImages images = new CtrImages(cli, timeout, PULL_TIMEOUT);
        SandboxFiles files = new SandboxFiles(node.filesDir(), node.nodeHosts(), node.nodeResolvConf());
        this.parts = new RuntimeParts(
                new CtrSandboxes(cli, tasks, images, files, sandboxImage, timeout, createTimeout, node.ids()),
                new CtrContainers(cli, tasks, images, files, new CtrLoggers(node.perl()), logDir, node.cgroupRoot(),
                        timeout, createTimeout, node.clock(), node.ids()),
                images);
        this.exec = new CtrExec(cli);
        this.logs = new CtrLogs(tasks, node.clock(), node.waiter());
    }

    /** {@code containerd}: the engine, as in the {@code containerd://<id>} of a pod's container ids. */
    @Override
    public String name() {
        return "containerd";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    /** {@code ctr version}: containerd's version; the "API" is the ctr client's version. */
    @Override
    public RuntimeVersion version() {
        String what = "ask containerd for its version";
        CommandResult result = cli.call(what, timeout, "version");
        Optional<String> server = result.succeeded() ? CtrOutput.serverVersion(result.stdout()) : Optional.empty();
        if (!result.succeeded()) {
            throw CtrErrors.failure(what, result);
        }
        String client = CtrOutput.clientVersion(result.stdout()).orElse("unknown");
        return new RuntimeVersion("containerd", server.orElseThrow(() -> new RuntimeError.Unavailable(what
                + ": `ctr version` shows no server version: " + result.stdout().strip(), null)), "ctr " + client);
    }

    @Override
    public RuntimeParts parts() {
        return parts;
    }

    /** Two ctr calls ({@code containers ls -q}, {@code tasks ls}) plus {@code containers info} of what is new. */
    @Override
    public RuntimeSnapshot snapshot(Map<String, String> labels) {
        List<Seen> all = tasks.scan();
        return new RuntimeSnapshot(CtrSandboxes.list(all, labels), CtrContainers.list(all, labels));
    }

    @Override
    public Optional<ExecSync> exec() {
        return Optional.of(exec);
    }

    /** None: see the class comment. */
    @Override
    public Optional<ExitEvents> events() {
        return Optional.empty();
    }

    @Override
    public Optional<ContainerLogs> logs() {
        return Optional.of(logs);
    }

    /** Nothing to release: no connection, no thread. */
    @Override
    public void close() {
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
