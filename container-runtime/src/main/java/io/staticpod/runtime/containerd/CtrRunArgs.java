package io.staticpod.runtime.containerd;

import io.staticpod.runtime.LaunchOptions;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;

import io.staticpod.runtime.ctr.CtrFlags;
import io.staticpod.runtime.ctr.CtrOutput;
import io.staticpod.runtime.exec.EnvFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Maps a {@link LaunchSpec} onto {@code ctr run -d}, with the pieces shared with the pod-level adapter in
 * {@link CtrFlags} (mounts, resources, security, the Kubernetes rules for command and args). What is deliberately
 * absent, as with Docker: any OOM score adjustment.
 *
 * <p>Namespaces: a container owning its network gets a new network namespace with only loopback (there is no CNI
 * here) and its own UTS namespace; {@code HOST} is {@code --net-host} plus the node's UTS namespace (hostname) as the
 * kubelet gives hostNetwork pods; {@code CONTAINER} joins the network and UTS (and, for IPC, the IPC) namespace of
 * the other container's task through {@code /proc/<pid>/ns/*}. Published ports and the hostname cannot be expressed
 * with ctr and are dropped (the adapter logs it).
 *
 * <p><b>Environment.</b> Values stay off the command line, where any local user reads them in
 * {@code /proc/<pid>/cmdline} and where they would reach logs and error messages: every variable that fits one line
 * ({@link EnvFile#fits}: all valid Kubernetes names, any value without a line break) goes into a private
 * {@code --env-file} ({@link EnvFile}, {@code 0600} in a {@code 0700} directory), deleted right after the command.
 * ctr 1.6 reads that file line by line and takes each line verbatim as {@code NAME=VALUE} (no quoting, no comments,
 * no trimming), so it cannot carry a value with a line break, and ctr has no other way to take an environment than
 * its argv: such a value (and one ending in {@code \r}, or about 60 KB long) goes on argv as
 * {@code --env NAME=VALUE}, visible in {@code /proc/<pid>/cmdline} for the moment {@code ctr run} runs, and redacted
 * to {@code NAME=…} in every log and error message. Names are deduplicated first, the later entry winning as in
 * Kubernetes, so the order of the file and the flags (ctr applies the file first) does not matter.
 */
final class CtrRunArgs {

    /** The node's namespaces, as runc sees them ({@link CtrFlags#HOST_NS}). */
    static final String HOST_NS = CtrFlags.HOST_NS;

    private CtrRunArgs() {
    }

    /**
     * @param ctr         {@code ctr --address … --namespace …}
     * @param spec        the launch record
     * @param id          the new container's id
     * @param image       the normalised image reference
     * @param imageConfig the image's config; read only when {@code args} come without {@code command}
     * @param networkPid  the pid of the task whose network to join, when the network mode is CONTAINER
     * @param ipcPid      the pid of the task whose IPC namespace to join, when the IPC mode is CONTAINER
     * @param logUri      where the shim writes the container's stdout and stderr
     * @param labels      the container's labels: the spec's and ours
     * @param env         the spec's environment, from {@link #env}
     * @param envFile     the file holding {@link Env#fileLines()}; null when there are none
     */
    static List<String> of(List<String> ctr, LaunchSpec spec, String id, String image,
                           CtrOutput.ImageConfig imageConfig, long networkPid, long ipcPid, String logUri,
                           Map<String, String> labels, Env env, Path envFile) {
        List<String> argv = new ArrayList<>(ctr);
        argv.addAll(List.of("run", "-d", "--log-uri", logUri));
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            argv.add("--label");
            argv.add(label.getKey() + "=" + label.getValue());
        }
        if (!env.fileLines().isEmpty()) {
            argv.add("--env-file");
            argv.add(envFile.toString());
        }
        for (String assignment : env.onArgv()) {
            argv.add("--env");
            argv.add(assignment);
        }
        if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
            argv.add("--cwd");
            argv.add(spec.workingDir());
        }
        for (LaunchSpec.Mount mount : spec.mounts()) {
            argv.add("--mount");
            argv.add(CtrFlags.bindMount(mount.hostPath(), mount.containerPath(), mount.readOnly()));
        }
        switch (spec.network().mode()) {
            case OWN:
                break;
            case HOST:
                argv.add("--net-host");
                argv.add("--with-ns");
                argv.add("uts:" + HOST_NS + "uts");
                break;
            case CONTAINER:
                argv.add("--with-ns");
                argv.add("network:/proc/" + networkPid + "/ns/net");
                argv.add("--with-ns");
                argv.add("uts:/proc/" + networkPid + "/ns/uts");
                break;
            default:
                throw new IllegalArgumentException("unknown namespace mode " + spec.network().mode());
        }
        if (spec.ipc().mode() == Namespace.Mode.HOST) {
            argv.add("--with-ns");
            argv.add("ipc:" + HOST_NS + "ipc");
        } else if (spec.ipc().mode() == Namespace.Mode.CONTAINER) {
            argv.add("--with-ns");
            argv.add("ipc:/proc/" + ipcPid + "/ns/ipc");
        }
        options(argv, spec.options());
        argv.add(image);
        argv.add(id);
        argv.addAll(processArgs(spec, imageConfig));
        return argv;
    }

    /**
     * A container's environment, split by how each variable reaches {@code ctr run}.
     *
     * @param fileLines {@code NAME=VALUE} lines for {@code --env-file}
     * @param onArgv    {@code NAME=VALUE} arguments for {@code --env}: only what a line cannot carry
     */
    record Env(List<String> fileLines, List<String> onArgv) {
    }

    /** Splits the spec's environment (see the class comment). */
    static Env env(LaunchSpec spec) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (LaunchSpec.EnvVar env : spec.env()) {
            vars.put(env.name(), env.value() == null ? "" : env.value());
        }
        List<String> fileLines = new ArrayList<>();
        List<String> onArgv = new ArrayList<>();
        vars.forEach((name, value) -> {
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of environment variable " + name + " of container "
                        + spec.name() + " holds a NUL character, which no process can be given");
            }
            (EnvFile.fits(name, value) ? fileLines : onArgv).add(name + "=" + value);
        });
        return new Env(List.copyOf(fileLines), List.copyOf(onArgv));
    }

    /**
     * The {@link LaunchOptions} ctr 1.6 has flags for: CPU shares and CFS quota, memory limit, privileged,
     * capabilities, read-only root, no-new-privileges (ctr sets it by default; Kubernetes does not), seccomp, and a
     * host PID namespace. The rest (user, groups, sysctls, host aliases, DNS, tmpfs) has no ctr flag: see
     * {@link #unsupported}.
     */
    static void options(List<String> argv, LaunchOptions o) {
        if (o.equals(LaunchOptions.NONE)) {
            return; // nothing asked: ctr's own defaults
        }
        if (o.cpuShares() > 0) {
            argv.add("--cpu-shares");
            argv.add(Long.toString(o.cpuShares()));
        }
        CtrFlags.resources(argv, o.cpuQuotaMicros(), o.cpuPeriodMicros(), o.memoryLimitBytes());
        CtrFlags.security(argv, o.privileged(), o.capAdd(), o.capDrop(), o.readOnlyRootFilesystem(),
                o.noNewPrivileges());
        CtrFlags.seccomp(argv, !"unconfined".equals(o.seccomp()), o.seccomp());
        if (o.pid().mode() == Namespace.Mode.HOST) {
            argv.add("--with-ns");
            argv.add("pid:" + HOST_NS + "pid");
        }
    }

    /** What a launch asks for that ctr cannot do, for a warning; empty when everything is honoured. */
    static List<String> unsupported(LaunchOptions o) {
        List<String> out = new ArrayList<>();
        if (o.user() != null) {
            out.add("runAsUser/runAsGroup");
        }
        if (!o.supplementalGroups().isEmpty()) {
            out.add("supplementalGroups");
        }
        if (!o.sysctls().isEmpty()) {
            out.add("sysctls");
        }
        if (!o.dnsServers().isEmpty() || !o.dnsSearches().isEmpty() || !o.dnsOptions().isEmpty()) {
            out.add("dnsConfig");
        }
        if (!o.tmpfs().isEmpty()) {
            out.add("tmpfs");
        }
        if (o.pid().mode() == Namespace.Mode.CONTAINER) {
            out.add("shareProcessNamespace");
        }
        return out;
    }

    /** The process argv to give ctr ({@link CtrFlags#processArgs}); empty means the image's Entrypoint and Cmd. */
    static List<String> processArgs(LaunchSpec spec, CtrOutput.ImageConfig imageConfig) {
        return CtrFlags.processArgs(spec.entrypoint(), spec.args(),
                imageConfig == null ? List.of() : imageConfig.entrypoint());
    }
}
