package io.staticpod.runtime.docker;

import io.staticpod.runtime.LaunchOptions;
import io.staticpod.runtime.LaunchSpec;
import io.staticpod.runtime.LaunchSpec.Namespace;

import io.staticpod.runtime.exec.EnvFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps a {@link LaunchSpec} onto the arguments of {@code docker run -d}, the way the kubelet's dockershim mapped a
 * container config. What is deliberately absent: {@code --oom-score-adj} (the kubelet asks for -998 for static
 * pods, and runc on machines without CAP_SYS_RESOURCE then refuses to start anything) and any restart policy other
 * than {@code no} (restarts are the agent's job, with the kubelet's backoff).
 *
 * <p><b>Environment.</b> Values never go on the command line, where any local user reads them in
 * {@code /proc/<pid>/cmdline} and where they would reach logs and error messages ({@link Env}):
 * <ol>
 * <li>every variable that fits one line of an env file ({@link EnvFile#fits}: all valid Kubernetes names, any value
 * without a line break) goes into a private {@code --env-file} ({@link EnvFile}), deleted right after the command;
 * docker passes such a line through untouched (no quoting, no trimming of the value);</li>
 * <li>a value that cannot be a line (multi-line, ending in {@code }, or about 60 KB long) is given as {@code -e NAME}
 * with the value in the {@code docker} CLI process's own environment, which docker copies into the container and which
 * only root (the agent's user) can read in {@code /proc/<pid>/environ};</li>
 * <li>except when the name is one the docker CLI (or the loader, or Go's runtime) reads for itself
 * ({@link #cliReads}): a multi-line {@code DOCKER_HOST} or {@code HOME} must not redirect the CLI, so only such a
 * variable goes on argv as {@code -e NAME=VALUE}, visible in {@code /proc/<pid>/cmdline} for the second the CLI runs,
 * and redacted to {@code NAME=…} in every log and error message.</li>
 * </ol>
 * Names are deduplicated first, the later entry winning as in Kubernetes (the agent's env resolver has done so
 * already, and has expanded {@code $(VAR)} references), so the order between the three routes does not matter.
 */
final class DockerRunArgs {

    /** Names the docker CLI, the dynamic loader or Go's runtime read for themselves (compared upper-cased). */
    private static final Set<String> CLI_NAMES = Set.of("PATH", "HOME", "TMPDIR", "SHELL", "USER", "TERM", "TZ",
            "NO_COLOR", "LANG", "LANGUAGE", "COLUMNS", "LINES");
    private static final List<String> CLI_PREFIXES = List.of("DOCKER_", "LD_", "GO", "CGO_", "OTEL_", "XDG_",
            "BUILDX_", "BUILDKIT_", "NOTARY_", "SSL_", "LC_", "MALLOC_", "GLIBC_");

    /**
     * A container's environment, split by how each variable reaches {@code docker run}.
     *
     * @param fileLines  {@code NAME=VALUE} lines for {@code --env-file}
     * @param processEnv variables for the CLI process's environment, each named by a {@code -e NAME}
     * @param onArgv     {@code NAME=VALUE} arguments for {@code -e} (redacted wherever argv is quoted)
     */
    record Env(List<String> fileLines, Map<String, String> processEnv, List<String> onArgv) {
    }

    private DockerRunArgs() {
    }

    /** Splits the spec's environment (see the class comment). */
    static Env env(LaunchSpec spec) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (LaunchSpec.EnvVar env : spec.env()) {
            vars.put(env.name(), env.value() == null ? "" : env.value());
        }
        List<String> fileLines = new ArrayList<>();
        Map<String, String> processEnv = new LinkedHashMap<>();
        List<String> onArgv = new ArrayList<>();
        vars.forEach((name, value) -> {
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("the value of environment variable " + name + " of container "
                        + spec.name() + " holds a NUL character, which no process can be given");
            }
            if (EnvFile.fits(name, value)) {
                fileLines.add(name + "=" + value);
            } else if (!name.isEmpty() && name.indexOf('=') < 0 && !cliReads(name)) {
                processEnv.put(name, value);
            } else {
                onArgv.add(name + "=" + value);
            }
        });
        return new Env(List.copyOf(fileLines), Map.copyOf(processEnv), List.copyOf(onArgv));
    }

    /** True for a name the docker CLI process would itself be influenced by ({@code DOCKER_HOST}, {@code HOME} …). */
    static boolean cliReads(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return CLI_NAMES.contains(upper) || upper.endsWith("_PROXY")
                || CLI_PREFIXES.stream().anyMatch(upper::startsWith);
    }

    /**
     * The full argv, starting with {@code docker} and ending with the image and the container's command.
     *
     * @param env     the spec's environment, from {@link #env}
     * @param envFile the file holding {@link Env#fileLines()}; null when there are none
     */
    static List<String> of(String docker, LaunchSpec spec, Env env, Path envFile) {
        List<String> argv = new ArrayList<>(List.of(docker, "run", "-d",
                // ensureImage decided about pulling already; a start must never pull behind imagePullPolicy's back
                "--pull=never",
                "--name", spec.name(), "--restart=no"));
        for (Map.Entry<String, String> label : new TreeMap<>(spec.labels()).entrySet()) {
            argv.add("--label");
            argv.add(label.getKey() + "=" + label.getValue());
        }
        if (!env.fileLines().isEmpty()) {
            argv.add("--env-file");
            argv.add(envFile.toString());
        }
        env.processEnv().keySet().stream().sorted().forEach(name -> {
            argv.add("-e");
            argv.add(name);
        });
        for (String assignment : env.onArgv()) {
            argv.add("-e");
            argv.add(assignment);
        }
        if (spec.workingDir() != null && !spec.workingDir().isEmpty()) {
            argv.add("-w");
            argv.add(spec.workingDir());
        }
        for (LaunchSpec.Mount mount : spec.mounts()) {
            argv.add("-v");
            argv.add(mount.hostPath() + ":" + mount.containerPath() + (mount.readOnly() ? ":ro" : ""));
        }
        if (spec.network().mode() == Namespace.Mode.OWN) {
            // Docker refuses published ports on a joined network, and ignores them on the host network
            for (LaunchSpec.PortMapping port : spec.ports()) {
                if (port.hostPort() > 0) {
                    argv.add("-p");
                    argv.add((port.hostIp() == null || port.hostIp().isEmpty() ? "" : port.hostIp() + ":")
                            + port.hostPort() + ":" + port.containerPort() + "/" + port.protocol());
                }
            }
        }
        namespace(argv, "--network", spec.network(), null);
        namespace(argv, "--ipc", spec.ipc(), "shareable");
        if (spec.hostname() != null && !spec.hostname().isEmpty()
                && spec.network().mode() != Namespace.Mode.CONTAINER) {
            argv.add("--hostname");
            argv.add(spec.hostname());
        }
        if (spec.stopSignal() != null && !spec.stopSignal().isEmpty()) {
            argv.add("--stop-signal");
            argv.add(spec.stopSignal());
        }
        options(argv, spec.options());
        List<String> entrypoint = spec.entrypoint() == null || spec.entrypoint().isEmpty() ? null : spec.entrypoint();
        if (entrypoint != null) {
            // --entrypoint takes one word and clears the image's CMD, as Kubernetes' command does
            argv.add("--entrypoint");
            argv.add(entrypoint.get(0));
        }
        argv.add(spec.image());
        if (entrypoint != null) {
            argv.addAll(entrypoint.subList(1, entrypoint.size()));
        }
        if (spec.args() != null) {
            argv.addAll(spec.args());
        }
        return argv;
    }

    /** Resources and security as dockershim mapped them (cpu shares and CFS quota, memory, capabilities …). */
    private static void options(List<String> argv, LaunchOptions o) {
        flag(argv, "--cpu-shares", o.cpuShares());
        flag(argv, "--cpu-period", o.cpuPeriodMicros());
        flag(argv, "--cpu-quota", o.cpuQuotaMicros());
        if (o.memoryLimitBytes() > 0) {
            argv.add("--memory");
            argv.add(o.memoryLimitBytes() + "b");
            // no swap beyond the limit, as the kubelet sets MemorySwap equal to the limit
            argv.add("--memory-swap");
            argv.add(o.memoryLimitBytes() + "b");
        }
        if (o.privileged()) {
            argv.add("--privileged");
        }
        if (o.user() != null) {
            argv.add("--user");
            argv.add(o.user());
        }
        o.supplementalGroups().forEach(g -> {
            argv.add("--group-add");
            argv.add(Long.toString(g));
        });
        o.capAdd().forEach(c -> {
            argv.add("--cap-add");
            argv.add(c);
        });
        o.capDrop().forEach(c -> {
            argv.add("--cap-drop");
            argv.add(c);
        });
        if (o.readOnlyRootFilesystem()) {
            argv.add("--read-only");
        }
        if (o.noNewPrivileges()) {
            argv.add("--security-opt");
            argv.add("no-new-privileges");
        }
        if (o.seccomp() != null) {
            argv.add("--security-opt");
            argv.add("seccomp=" + o.seccomp());
        }
        new TreeMap<>(o.sysctls()).forEach((k, v) -> {
            argv.add("--sysctl");
            argv.add(k + "=" + v);
        });
        namespace(argv, "--pid", o.pid(), null);
        o.extraHosts().forEach(h -> {
            argv.add("--add-host");
            argv.add(h);
        });
        o.dnsServers().forEach(d -> {
            argv.add("--dns");
            argv.add(d);
        });
        o.dnsSearches().forEach(d -> {
            argv.add("--dns-search");
            argv.add(d);
        });
        o.dnsOptions().forEach(d -> {
            argv.add("--dns-option");
            argv.add(d);
        });
        new TreeMap<>(o.tmpfs()).forEach((path, opts) -> {
            argv.add("--tmpfs");
            argv.add(opts == null || opts.isEmpty() ? path : path + ":" + opts);
        });
    }

    private static void flag(List<String> argv, String flag, long value) {
        if (value > 0) {
            argv.add(flag);
            argv.add(Long.toString(value));
        }
    }

    private static void namespace(List<String> argv, String flag, Namespace ns, String ownValue) {
        switch (ns.mode()) {
            case OWN:
                if (ownValue != null) {
                    argv.add(flag);
                    argv.add(ownValue);
                }
                break;
            case HOST:
                argv.add(flag);
                argv.add("host");
                break;
            case CONTAINER:
                argv.add(flag);
                argv.add("container:" + ns.containerId());
                break;
            default:
                throw new IllegalArgumentException("unknown namespace mode " + ns.mode());
        }
    }
}
