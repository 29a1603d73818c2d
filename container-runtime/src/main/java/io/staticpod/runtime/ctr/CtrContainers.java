package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrOutput.Container;
import io.staticpod.runtime.ctr.CtrOutput.ImageConfig;
import io.staticpod.runtime.ctr.CtrTasks.Seen;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.exec.EnvFile;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Containers through ctr: {@code ctr containers create} joining the sandbox's namespaces, then
 * {@code ctr tasks start -d} with the log file as the shim's logger. See {@link CtrPodRuntime}.
 */
final class CtrContainers implements Containers {

    private static final Logger log = LoggerFactory.getLogger(CtrContainers.class);

    private final CtrCli cli;
    private final CtrTasks tasks;
    private final CtrImages images;
    private final SandboxFiles files;
    private final CtrLoggers loggers;
    private final Path logDir;
    private final Path cgroupRoot;
    private final Duration timeout;
    private final Duration createTimeout;
    private final InstantSource clock;
    private final Supplier<String> ids;

    CtrContainers(CtrCli cli, CtrTasks tasks, CtrImages images, SandboxFiles files, CtrLoggers loggers, Path logDir,
                  Path cgroupRoot, Duration timeout, Duration createTimeout, InstantSource clock, Supplier<String> ids) {
        this.cli = cli;
        this.tasks = tasks;
        this.images = images;
        this.files = files;
        this.loggers = loggers;
        this.logDir = logDir;
        this.cgroupRoot = cgroupRoot;
        this.timeout = timeout;
        this.createTimeout = createTimeout;
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
        String pod = sandboxConfig.metadata().namespace() + "/" + sandboxConfig.metadata().name();
        String what = "create container " + config.name() + " (attempt " + config.attempt() + ") of pod " + pod;
        List<String> env = CtrCreateArgs.envLines(config);
        Map<String, String> ours = new LinkedHashMap<>();
        Map<String, String> labels = CtrCreateArgs.labels("container " + config.name() + " of pod " + pod,
                config.labels(), config.annotations(), ours);
        Seen sandbox = tasks.look(sandboxId).filter(s -> CtrStates.isSandbox(s.container()))
                .orElseThrow(() -> new RuntimeError.NotFound(what + ": sandbox " + sandboxId + " does not exist"));
        boolean ready = sandbox.task() != null && sandbox.task().running();
        if (!ready && CtrCreateArgs.joinsSandbox(config, sandboxConfig)) {
            throw new RuntimeError.Refused(what + ": sandbox " + sandboxId + " is not ready (its pause process does"
                    + " not run), so its namespaces cannot be joined; run a new sandbox", null);
        }
        String ref = CtrImages.normalize(config.image());
        ImageConfig image = images.local(ref).orElseThrow(() -> new RuntimeError.ImageUnavailable(what + ": image "
                + config.image() + " (" + ref + ") is not in containerd namespace " + cli.namespace(), null));
        removeLeftovers(sandboxId, config, what);
        warnUnapplied(config, pod);
        String id = ids.get();
        ours.put(CtrLabels.KIND, CtrLabels.CONTAINER);
        ours.put(CtrLabels.SANDBOX_ID, sandboxId);
        ours.put(CtrLabels.NAME, config.name());
        ours.put(CtrLabels.ATTEMPT, Integer.toString(config.attempt()));
        ours.put(CtrLabels.IMAGE, config.image());
        ours.put(CtrLabels.IMAGE_ID, image.configDigest());
        ours.put(CtrLabels.LOG_PATH, logDir.resolve(id + ".log").toString());
        ours.put(CtrLabels.LOG_FORMAT, loggers.format());
        if (config.resources().cpuShares() > 0) {
            ours.put(CtrLabels.CPU_SHARES, Long.toString(config.resources().cpuShares()));
        }
        labels.putAll(ours);
        List<Mount> mounts = files.mounts(sandboxId, sandboxConfig, config.mounts());
        createMissingSources(config.mounts(), what);
        CommandResult result;
        try (EnvFile envFile = env.isEmpty() ? null : EnvFile.write(env)) {
            List<String> argv;
            try {
                argv = CtrCreateArgs.container(cli.base(), config, sandboxConfig, ready ? sandbox.task().pid() : 0,
                        id, ref, image, labels, mounts, envFile == null ? null : envFile.path());
            } catch (IllegalArgumentException e) {
                throw new RuntimeError.Refused(what + ": " + e.getMessage(), e);
            }
            result = cli.callArgv(what, argv, createTimeout);
        }
        if (!result.succeeded()) {
            throw CtrErrors.failure(what, result);
        }
        return id;
    }

    /** A leftover of the same name and attempt in the sandbox is removed, unless it runs. */
    private void removeLeftovers(String sandboxId, ContainerConfig config, String what) {
        String filter = CtrSandboxes.filter(CtrLabels.KIND, CtrLabels.CONTAINER) + ","
                + CtrSandboxes.filter(CtrLabels.SANDBOX_ID, sandboxId) + ","
                + CtrSandboxes.filter(CtrLabels.NAME, config.name()) + ","
                + CtrSandboxes.filter(CtrLabels.ATTEMPT, Integer.toString(config.attempt()));
        for (String id : CtrOutput.ids(cli.ok(what, timeout, "containers", "ls", "-q", filter).stdout())) {
            Optional<Seen> leftover = tasks.look(id);
            if (leftover.isEmpty()) {
                continue;
            }
            if (leftover.get().task() != null && leftover.get().task().running()) {
                throw new RuntimeError.Refused(what + ": container " + id + " of that name and attempt already runs"
                        + " in the sandbox; stop it first", null);
            }
            log.warn("Removing leftover container of the same name and attempt container={} attempt={} id={}",
                    config.name(), config.attempt(), id);
            tasks.remove(leftover.get().container());
        }
    }

    /** What ctr cannot do for a container is named in a WARN; it runs without it. */
    private static void warnUnapplied(ContainerConfig config, String pod) {
        ContainerSecurity s = config.security();
        List<String> unapplied = new ArrayList<>();
        if (s.runAsUser() != null || s.runAsGroup() != null) {
            unapplied.add("runAsUser/runAsGroup");
        }
        if (!s.supplementalGroups().isEmpty()) {
            unapplied.add("supplementalGroups");
        }
        if (config.resources().oomScoreAdj() != 0) {
            unapplied.add("oomScoreAdj");
        }
        if (!unapplied.isEmpty()) {
            log.warn("containerd via ctr cannot apply some settings of this container; it runs without them"
                    + " pod={} container={} settings={}", pod, config.name(), unapplied);
        }
    }

    /** As {@code docker run -v} and CRI runtimes do: a missing bind source becomes a directory. */
    private static void createMissingSources(List<Mount> mounts, String what) {
        for (Mount m : mounts) {
            if (m.type() == Mount.Type.BIND && !Files.exists(Path.of(m.hostPath()))) {
                try {
                    Files.createDirectories(Path.of(m.hostPath()));
                } catch (IOException e) {
                    throw new RuntimeError.Refused(what + ": cannot create the missing mount source "
                            + m.hostPath() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * {@code ctr tasks start -d}, then the start time as a label, then the CPU shares into the task's cgroup; a
     * container that has run already (or runs) is refused. A task that cannot start (a bad command, a mount runc cannot make) leaves the container EXITED with reason
     * {@code StartError} and ctr's error as its message.
     */
    @Override
    public void start(String containerId) {
        String what = "start container " + containerId;
        Container c = tasks.info(containerId).filter(CtrStates::isContainer)
                .orElseThrow(() -> new RuntimeError.NotFound(what + ": no such container"));
        if (CtrStates.state(new Seen(c, null)) != ContainerState.CREATED) {
            throw new RuntimeError.Refused(what + ": it has run already; create a new container", null);
        }
        Path logPath = Path.of(c.label(CtrLabels.LOG_PATH));
        try {
            Files.createDirectories(logPath.getParent());
        } catch (IOException e) {
            throw new RuntimeError.Refused(what + ": cannot create the log directory " + logPath.getParent() + ": "
                    + e.getMessage(), e);
        }
        long shares = Long.parseLong(c.labels().getOrDefault(CtrLabels.CPU_SHARES, "0"));
        boolean prepared = shares > 0 && prepareShares(containerId, shares);
        CommandResult result = cli.call(what, createTimeout, "tasks", "start", "-d", "--log-uri",
                loggers.uri(c.label(CtrLabels.LOG_FORMAT), logPath), containerId);
        if (!result.succeeded()) {
            if (prepared) {
                CgroupCpu.release(cgroupRoot, cli.namespace(), containerId);
            }
            RuntimeError error = CtrErrors.failure(what, result);
            if (error instanceof RuntimeError.Refused && !CtrErrors.isAlreadyExists(result)) {
                label(what, containerId, CtrLabels.ERROR + "=" + CtrErrors.errorLine(result),
                        CtrLabels.FINISHED_AT + "=" + clock.instant());
            }
            throw error;
        }
        label(what, containerId, CtrLabels.STARTED_AT + "=" + clock.instant());
        if (shares > 0 && !prepared) {
            setShares(containerId, shares);
        }
    }

    private boolean prepareShares(String id, long shares) {
        try {
            return CgroupCpu.prepare(cgroupRoot, cli.namespace(), id, shares);
        } catch (IOException e) {
            log.warn("Cannot prepare the CPU shares of a container; they are written once it runs id={} shares={}"
                    + " error={}", id, shares, e.toString());
            return false;
        }
    }

    private void label(String what, String id, String... labels) {
        List<String> args = new ArrayList<>(List.of("containers", "label", id));
        args.addAll(List.of(labels));
        cli.ok(what, timeout, args.toArray(String[]::new));
        tasks.forget(id);
    }

    private void setShares(String id, long shares) {
        try {
            if (!CgroupCpu.setShares(cgroupRoot, cli.namespace(), id, shares)) {
                log.debug("No cgroup for the CPU shares of a container; it has ended already id={}", id);
            }
        } catch (IOException e) {
            log.warn("Cannot apply the CPU shares of a container; it runs with the default weight id={} shares={}"
                    + " error={}", id, shares, e.toString());
        }
    }

    @Override
    public void stop(String containerId, Duration grace) {
        tasks.info(containerId).ifPresent(c -> tasks.stop(c, grace));
    }

    @Override
    public void remove(String containerId) {
        tasks.info(containerId).ifPresent(tasks::remove);
    }

    @Override
    public Optional<ContainerStatus> status(String containerId) {
        return tasks.look(containerId).filter(s -> CtrStates.isContainer(s.container())).map(CtrStates::status);
    }

    @Override
    public List<ContainerSummary> list(Map<String, String> labels) {
        return list(tasks.scan(), labels);
    }

    /** The containers among {@code all} whose labels include {@code labels}, newest first. */
    static List<ContainerSummary> list(List<Seen> all, Map<String, String> labels) {
        return all.stream().filter(s -> CtrStates.isContainer(s.container()) && CtrStates.matches(s.container(), labels))
                .map(CtrStates::summary)
                .sorted(Comparator.comparing(ContainerSummary::createdAt, CtrStates.NEWEST_FIRST)).toList();
    }
}
