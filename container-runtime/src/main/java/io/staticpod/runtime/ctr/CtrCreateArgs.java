package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.EnvFile;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.Seccomp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The command lines of the pod-level adapter: {@code ctr run -d --null-io} of a sandbox's pause container, and
 * {@code ctr containers create} of a container joining it. Arguments after the image are the process's: a {@code --}
 * ends ctr's flags first, since {@code containers create} reorders its arguments and would otherwise take a
 * {@code -c} of {@code sh -c} for its own {@code --config}. Every refusal here names the setting and never shows an
 * environment value.
 */
final class CtrCreateArgs {

    /** containerd's limit on a label's key and value together. */
    static final int MAX_LABEL_BYTES = 4096;
    /**
     * Written {@code --flag=true}: {@code ctr containers create}, unlike {@code ctr run}, reorders its arguments and
     * takes the word after a bare boolean flag for that flag's value, so a {@code --read-only --} would swallow the
     * {@code --} and a process's {@code -c} would become ctr's own.
     */
    private static final Set<String> BOOLEAN_FLAGS = Set.of("--privileged", "--read-only", "--allow-new-privs",
            "--seccomp", "--net-host");
    private static final String CGROUP = "/sys/fs/cgroup";

    private CtrCreateArgs() {
    }

    /**
     * The pause container: its own network (loopback only), IPC and UTS namespaces, or the node's; the node's PID
     * namespace for a hostPID pod. No output is kept: pause writes none.
     *
     * @param pidFile where ctr writes the pause process's pid (to set the pod's host name), or null
     */
    static List<String> sandbox(List<String> ctr, SandboxConfig config, String id, String imageRef,
                                Map<String, String> labels, Path pidFile) {
        List<String> argv = new ArrayList<>(ctr);
        argv.addAll(List.of("run", "-d", "--null-io"));
        if (pidFile != null) {
            argv.add("--pid-file");
            argv.add(pidFile.toString());
        }
        labels(argv, labels);
        if (config.hostNetwork()) {
            hostNetwork(argv);
        }
        if (config.namespaces().ipc() == NamespaceMode.NODE) {
            join(argv, "ipc", CtrFlags.HOST_NS + "ipc");
        }
        if (config.namespaces().pid() == NamespaceMode.NODE) {
            join(argv, "pid", CtrFlags.HOST_NS + "pid");
        }
        argv.addAll(List.of("--", imageRef, id));
        return argv;
    }

    /**
     * A container in the sandbox whose pause process is {@code sandboxPid}: the sandbox's network and UTS namespaces
     * (or the node's), its IPC namespace (or the node's), its PID namespace when the container's security says
     * {@link NamespaceMode#POD}.
     *
     * @param mounts  the config's mounts and the sandbox's files ({@link SandboxFiles#mounts})
     * @param envFile the private file holding {@link #envLines}, or null when there are none
     */
    static List<String> container(List<String> ctr, ContainerConfig config, SandboxConfig sandbox, long sandboxPid,
                                  String id, String imageRef, CtrOutput.ImageConfig image, Map<String, String> labels,
                                  List<Mount> mounts, Path envFile) {
        List<String> argv = new ArrayList<>(ctr);
        argv.addAll(List.of("containers", "create"));
        labels(argv, labels);
        if (envFile != null) {
            argv.add("--env-file");
            argv.add(envFile.toString());
        }
        if (config.workingDir() != null && !config.workingDir().isEmpty()) {
            argv.add("--cwd");
            argv.add(config.workingDir());
        }
        for (Mount mount : mounts) {
            argv.add("--mount");
            argv.add(mount.type() == Mount.Type.TMPFS ? CtrFlags.tmpfsMount(mount.containerPath(), mount.sizeBytes())
                    : CtrFlags.bindMount(mount.hostPath(), mount.containerPath(), mount.readOnly()));
        }
        if (mounts.stream().noneMatch(m -> m.containerPath().equals(CGROUP))) {
            // containerd's default spec has no cgroup file system; Docker and CRI runtimes mount the container's own
            argv.add("--mount");
            argv.add("type=cgroup,src=cgroup,dst=" + CGROUP + ",options="
                    + (config.security().privileged() ? "rw" : "ro") + ":nosuid:noexec:nodev");
        }
        String ns = "/proc/" + sandboxPid + "/ns/";
        if (sandbox.hostNetwork()) {
            hostNetwork(argv);
        } else {
            join(argv, "network", ns + "net");
            join(argv, "uts", ns + "uts");
        }
        join(argv, "ipc", (sandbox.namespaces().ipc() == NamespaceMode.NODE ? CtrFlags.HOST_NS : ns) + "ipc");
        ContainerSecurity security = config.security();
        if (security.pid() != NamespaceMode.CONTAINER) {
            join(argv, "pid", (security.pid() == NamespaceMode.NODE ? CtrFlags.HOST_NS : ns) + "pid");
        }
        CtrFlags.security(argv, security.privileged(), security.capAdd(), security.capDrop(),
                security.readOnlyRootFilesystem(), security.noNewPrivileges());
        Seccomp seccomp = security.seccomp();
        CtrFlags.seccomp(argv, seccomp.kind() != Seccomp.Kind.UNCONFINED, seccomp.localhostPath());
        Resources r = config.resources();
        CtrFlags.resources(argv, r.cpuQuotaMicros(), r.cpuPeriodMicros(), r.memoryLimitBytes());
        argv.replaceAll(a -> BOOLEAN_FLAGS.contains(a) ? a + "=true" : a);
        argv.addAll(List.of("--", imageRef, id));
        argv.addAll(CtrFlags.processArgs(config.command(), config.args(), image.entrypoint()));
        return argv;
    }

    /** True when the container joins one of the sandbox's namespaces, so needs its pause process running. */
    static boolean joinsSandbox(ContainerConfig config, SandboxConfig sandbox) {
        return !sandbox.hostNetwork() || sandbox.namespaces().ipc() == NamespaceMode.POD
                || config.security().pid() == NamespaceMode.POD;
    }

    /**
     * The environment as {@code NAME=VALUE} lines for ctr's {@code --env-file}, a later variable of the same name
     * winning as in Kubernetes. ctr 1.6 reads that file line by line, verbatim, and has no other way to take an
     * environment than its command line, where any local user reads it in {@code /proc/<pid>/cmdline}: a variable a
     * line cannot carry ({@link EnvFile#fits}: a line break in the value, a value ending in a carriage return, a line
     * of 60 KB or more, a NUL, a name with {@code =} or white space) is refused, naming the variable, never its value.
     */
    static List<String> envLines(ContainerConfig config) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (EnvVar env : config.env()) {
            vars.remove(env.name());
            vars.put(env.name(), env.value());
        }
        List<String> lines = new ArrayList<>();
        vars.forEach((name, value) -> {
            if (!EnvFile.fits(name, value)) {
                throw new RuntimeError.Refused("environment variable " + printable(name) + " of container "
                        + config.name() + " cannot be given through ctr: its value holds a line break or a NUL, ends"
                        + " in a carriage return or is 60 KB or longer (or its name holds '=' or white space), and"
                        + " ctr's only other way is its command line, readable by every local user; put the value"
                        + " in a file (a hostPath volume) or use a runtime that takes it in its API (docker, cri)",
                        null);
            }
            lines.add(name + "=" + value);
        });
        return lines;
    }

    /**
     * The labels to set: the caller's, its annotations under {@link CtrLabels#ANNOTATION}, and ours. A key that
     * ctr cannot carry (empty, or holding {@code =}), one in our own prefix, or a key and value over containerd's
     * {@value #MAX_LABEL_BYTES} bytes is refused, naming it.
     */
    static Map<String, String> labels(String owner, Map<String, String> labels, Map<String, String> annotations,
                                      Map<String, String> ours) {
        Map<String, String> all = new TreeMap<>();
        labels.forEach((k, v) -> all.put(check(owner, "label", k, k, v), v));
        annotations.forEach((k, v) -> all.put(check(owner, "annotation", k, CtrLabels.ANNOTATION + k, v), v));
        all.putAll(ours);
        return all;
    }

    private static String check(String owner, String what, String key, String asLabel, String value) {
        String problem = null;
        if (key.isEmpty() || key.contains("=")) {
            problem = "is empty or holds '=', which ctr's --label cannot carry";
        } else if (key.startsWith(CtrLabels.PREFIX)) {
            problem = "starts with " + CtrLabels.PREFIX + ", which the ctr adapter keeps for itself";
        } else if ((asLabel + value).getBytes(StandardCharsets.UTF_8).length > MAX_LABEL_BYTES) {
            problem = "is longer than containerd's limit of " + MAX_LABEL_BYTES + " bytes for a label"
                    + ("annotation".equals(what) ? " (annotations are kept as labels " + CtrLabels.ANNOTATION + "KEY)"
                    : "") + " with its value";
        }
        if (problem != null) {
            throw new RuntimeError.Refused(what + " " + printable(key) + " of " + owner + " " + problem, null);
        }
        return asLabel;
    }

    private static void labels(List<String> argv, Map<String, String> labels) {
        labels.forEach((k, v) -> {
            argv.add("--label");
            argv.add(k + "=" + v);
        });
    }

    private static void hostNetwork(List<String> argv) {
        argv.add("--net-host");
        join(argv, "uts", CtrFlags.HOST_NS + "uts");
    }

    private static void join(List<String> argv, String type, String path) {
        argv.add("--with-ns");
        argv.add(type + ":" + path);
    }

    private static String printable(String name) {
        return name.replaceAll("[\\p{Cntrl}]", "?");
    }
}
