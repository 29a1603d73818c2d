package io.staticpod.runtime.ctr;

import io.staticpod.runtime.ctr.CtrTasks.Seen;
import io.staticpod.runtime.exec.CommandException;
import io.staticpod.runtime.exec.CommandResult;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.PodSandboxes;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.Sandbox;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.SandboxStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Sandboxes through ctr: a pause container ({@code ctr run -d --null-io}) whose namespaces the pod's containers
 * join, with the pod's host name set in its UTS namespace. Stopping a sandbox kills its containers and its pause process at once (SIGKILL, as CRI runtimes do: the
 * agent stops containers gracefully before); removing it removes them too. See {@link CtrPodRuntime}.
 */
final class CtrSandboxes implements PodSandboxes {

    private static final Logger log = LoggerFactory.getLogger(CtrSandboxes.class);
    /** What sethostname takes from us: a DNS name, as Kubernetes validates a pod's hostname. */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,62}[A-Za-z0-9])?");

    private final CtrCli cli;
    private final CtrTasks tasks;
    private final CtrImages images;
    private final SandboxFiles files;
    private final String sandboxImage;
    private final Duration timeout;
    private final Duration createTimeout;
    private final Supplier<String> ids;

    CtrSandboxes(CtrCli cli, CtrTasks tasks, CtrImages images, SandboxFiles files, String sandboxImage,
                 Duration timeout, Duration createTimeout, Supplier<String> ids) {
        this.cli = cli;
        this.tasks = tasks;
        this.images = images;
        this.files = files;
        this.sandboxImage = sandboxImage;
        this.timeout = timeout;
        this.createTimeout = createTimeout;
        this.ids = ids;
    }

    @Override
    public String run(SandboxConfig config) {
        SandboxMetadata m = config.metadata();
        String what = "run the sandbox of pod " + m.namespace() + "/" + m.name() + " (attempt " + m.attempt() + ")";
        String ref = CtrImages.normalize(sandboxImage);
        if (images.local(ref).isEmpty()) {
            throw new RuntimeError.ImageUnavailable(what + ": the sandbox image " + sandboxImage + " (" + ref
                    + ") is not in containerd namespace " + cli.namespace() + "; import it (ctr -n "
                    + cli.namespace() + " images import) or choose another with --pod-infra-container-image", null);
        }
        Map<String, String> labels = CtrCreateArgs.labels("the sandbox of pod " + m.namespace() + "/" + m.name(),
                config.labels(), config.annotations(), ours(config));
        warnUnapplied(config);
        for (String leftover : leftovers(m)) {
            log.warn("Removing leftover sandbox of the same pod and attempt pod={}/{} attempt={} id={}",
                    m.namespace(), m.name(), m.attempt(), leftover);
            remove(leftover);
        }
        String id = ids.get();
        files.write(id, config);
        Path pidFile = hostname(config) == null && config.sysctls().isEmpty() ? null : files.pidFile(id);
        CommandResult result = cli.callArgv(what, CtrCreateArgs.sandbox(cli.base(), config, id, ref, labels,
                pidFile), createTimeout);
        if (!result.succeeded()) {
            RuntimeError error = CtrErrors.failure(what, result);
            try {
                remove(id); // ctr may have created the container before its task failed
            } catch (RuntimeError cleanup) {
                error.addSuppressed(cleanup);
            }
            throw error;
        }
        if (pidFile != null) {
            enter(config, pidFile);
        }
        return id;
    }

    /** The host name to set in the sandbox's own UTS namespace, or null (on the node's network, none asked). */
    private static String hostname(SandboxConfig config) {
        String name = config.hostname();
        return config.hostNetwork() || name == null || name.isBlank() ? null : name;
    }

    /**
     * ctr has no flag for a host name or sysctls, so they are set in the pause process's namespaces, which the
     * containers join, before any of them starts: {@code nsenter --target PID --uts -- hostname -- NAME}, and
     * {@code nsenter --target PID --ipc --net -- sysctl -w KEY=VALUE} (util-linux, hostname and procps are on every
     * Debian node). The agent must see the node's processes (it runs on the node). What fails is named in a WARN and
     * the pod runs without it.
     */
    private void enter(SandboxConfig config, Path pidFile) {
        String pid;
        try {
            pid = Files.readString(pidFile).strip();
        } catch (IOException e) {
            warnNotEntered(config, e.getMessage());
            return;
        }
        if (!pid.chars().allMatch(Character::isDigit) || pid.isEmpty()) {
            warnNotEntered(config, "no pid of the sandbox: " + pid);
            return;
        }
        String name = hostname(config);
        if (name != null) {
            String problem = HOSTNAME.matcher(name).matches()
                    ? nsenter(List.of("nsenter", "--target", pid, "--uts", "--", "hostname", "--", name))
                    : "not a host name";
            if (problem != null) {
                log.warn("Cannot set the host name of a pod; its containers see the node's pod={}/{} hostname={}"
                        + " error={}", config.metadata().namespace(), config.metadata().name(), name, problem);
            }
        }
        config.sysctls().forEach((key, value) -> {
            String problem = CtrSysctls.refusal(config, key, value);
            if (problem == null) {
                problem = nsenter(List.of("nsenter", "--target", pid, "--ipc", "--net", "--", "sysctl", "-q", "-w",
                        key + "=" + value));
            }
            if (problem != null) {
                log.warn("Cannot set a sysctl of a pod; it runs without it pod={}/{} sysctl={} error={}",
                        config.metadata().namespace(), config.metadata().name(), key, problem);
            }
        });
    }

    /** Null when the command succeeded, else what went wrong. */
    private String nsenter(List<String> argv) {
        try {
            CommandResult done = cli.runArgv(argv, timeout);
            return done.succeeded() ? null : "`" + CommandException.quote(done.argv()) + "` failed with exit code "
                    + done.exitCode() + ": " + done.stderr().strip();
        } catch (CommandException e) {
            return e.getMessage();
        }
    }

    private static void warnNotEntered(SandboxConfig config, String problem) {
        log.warn("Cannot enter the sandbox of a pod to set its host name and sysctls; it runs without them pod={}/{}"
                + " error={}", config.metadata().namespace(), config.metadata().name(), problem);
    }

    private static Map<String, String> ours(SandboxConfig config) {
        SandboxMetadata m = config.metadata();
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put(CtrLabels.KIND, CtrLabels.SANDBOX);
        ours.put(CtrLabels.POD_NAME, m.name());
        ours.put(CtrLabels.POD_NAMESPACE, m.namespace());
        ours.put(CtrLabels.POD_UID, m.uid());
        ours.put(CtrLabels.ATTEMPT, Integer.toString(m.attempt()));
        ours.put(CtrLabels.NETWORK, config.hostNetwork() ? NamespaceMode.NODE.name() : NamespaceMode.POD.name());
        return ours;
    }

    /** What ctr cannot do for a sandbox is named in a WARN; the pod runs without it. */
    private static void warnUnapplied(SandboxConfig config) {
        List<String> unapplied = new ArrayList<>();
        if (!config.hostNetwork() && !config.portMappings().isEmpty()) {
            unapplied.add("hostPort (no pod network through ctr; use hostNetwork to be reachable)");
        }
        if (!unapplied.isEmpty()) {
            log.warn("containerd via ctr cannot apply some settings of this pod; it runs without them pod={}/{}"
                    + " settings={}", config.metadata().namespace(), config.metadata().name(), unapplied);
        }
    }

    /** Sandboxes of the same pod and attempt: what an agent killed half-way left. One filtered list call. */
    private List<String> leftovers(SandboxMetadata m) {
        String filter = filter(CtrLabels.KIND, CtrLabels.SANDBOX) + "," + filter(CtrLabels.POD_UID, m.uid()) + ","
                + filter(CtrLabels.POD_NAME, m.name()) + "," + filter(CtrLabels.POD_NAMESPACE, m.namespace()) + ","
                + filter(CtrLabels.ATTEMPT, Integer.toString(m.attempt()));
        return CtrOutput.ids(cli.ok("look for leftover sandboxes", timeout, "containers", "ls", "-q", filter)
                .stdout());
    }

    /** A containerd filter term {@code labels."KEY"=="VALUE"}, quoted as containerd's filter syntax wants. */
    static String filter(String key, String value) {
        return "labels." + quote(key) + "==" + quote(value);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public void stop(String sandboxId) {
        List<Seen> all = tasks.scan();
        List<Seen> dying = new ArrayList<>(members(all, sandboxId));
        find(all, sandboxId).ifPresent(dying::add); // the pause process last: it may hold the PID namespace
        for (Seen s : dying) {
            if (s.task() != null && s.task().running()) {
                tasks.kill(s.container().id(), "SIGKILL");
            }
        }
        for (Seen s : dying) {
            if (s.task() != null) {
                if (!tasks.awaitStopped(s.container().id(), CtrTasks.KILL_WAIT)) {
                    throw new RuntimeError.TimedOut("stop sandbox " + sandboxId + ": container "
                            + s.container().id() + " still runs " + CtrTasks.KILL_WAIT + " after SIGKILL", null);
                }
                tasks.harvest(s.container().id());
            }
        }
    }

    @Override
    public void remove(String sandboxId) {
        List<Seen> all = tasks.scan();
        for (Seen member : members(all, sandboxId)) {
            tasks.remove(member.container(), member.task() != null);
        }
        find(all, sandboxId).ifPresent(s -> tasks.remove(s.container(), s.task() != null));
        files.delete(sandboxId);
    }

    @Override
    public Optional<SandboxStatus> status(String sandboxId) {
        return tasks.look(sandboxId).filter(s -> CtrStates.isSandbox(s.container())).map(CtrStates::sandboxStatus);
    }

    @Override
    public List<Sandbox> list(Map<String, String> labels) {
        return list(tasks.scan(), labels);
    }

    /** The sandboxes among {@code all} whose labels include {@code labels}, newest first. */
    static List<Sandbox> list(List<Seen> all, Map<String, String> labels) {
        return all.stream().filter(s -> CtrStates.isSandbox(s.container()) && CtrStates.matches(s.container(), labels))
                .map(CtrStates::sandbox).sorted(Comparator.comparing(Sandbox::createdAt, CtrStates.NEWEST_FIRST))
                .toList();
    }

    private static List<Seen> members(List<Seen> all, String sandboxId) {
        return all.stream().filter(s -> CtrStates.isContainer(s.container())
                && sandboxId.equals(s.container().label(CtrLabels.SANDBOX_ID))).toList();
    }

    private static Optional<Seen> find(List<Seen> all, String sandboxId) {
        return all.stream().filter(s -> s.container().id().equals(sandboxId) && CtrStates.isSandbox(s.container()))
                .findFirst();
    }
}
