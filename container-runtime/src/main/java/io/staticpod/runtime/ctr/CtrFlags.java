package io.staticpod.runtime.ctr;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The pieces of a {@code ctr run} / {@code ctr containers create} command line that both containerd adapters
 * build: mounts, namespaces of the node, resources, security settings, the process's argv, the log URI.
 */
public final class CtrFlags {

    /**
     * The node's namespaces, as runc sees them: runc opens the paths before it joins or creates any namespace, so
     * {@code /proc/self} is runc's own, i.e. containerd's. Not {@code /proc/1}: PID 1 may not be ours to read (it is
     * not on these machines), and runc then fails with {@code can't get final child's PID from pipe: EOF}.
     */
    public static final String HOST_NS = "/proc/self/ns/";

    /** What containerd 1.6 gives a container that is not privileged ({@code oci.populateDefaultUnixSpec}). */
    public static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID",
            "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    /** Every capability up to Linux 5.9's; runc ignores, with a warning, those the kernel does not know. */
    public static final List<String> ALL_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE",
            "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
            "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
            "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
            "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
            "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    private CtrFlags() {
    }

    /** {@code --mount} of a bind; ctr reads its argument as comma- and {@code =}-separated fields. */
    public static String bindMount(String hostPath, String containerPath, boolean readOnly) {
        return "type=bind,src=" + mountPath(hostPath) + ",dst=" + mountPath(containerPath)
                + ",options=rbind:" + (readOnly ? "ro" : "rw");
    }

    /** {@code --mount} of an in-memory file system, {@code sizeBytes} 0 for the kernel's default (half the RAM). */
    public static String tmpfsMount(String containerPath, long sizeBytes) {
        return "type=tmpfs,src=tmpfs,dst=" + mountPath(containerPath) + ",options=nosuid:nodev"
                + (sizeBytes > 0 ? ":size=" + sizeBytes : "");
    }

    /** CFS quota (with its period, 100000 µs unless given) and the memory limit; 0 means none. */
    public static void resources(List<String> argv, long cpuQuotaMicros, long cpuPeriodMicros, long memoryLimitBytes) {
        if (cpuQuotaMicros > 0) {
            argv.add("--cpu-quota");
            argv.add(Long.toString(cpuQuotaMicros));
            argv.add("--cpu-period");
            argv.add(Long.toString(cpuPeriodMicros > 0 ? cpuPeriodMicros : 100_000));
        }
        if (memoryLimitBytes > 0) {
            argv.add("--memory-limit");
            argv.add(Long.toString(memoryLimitBytes));
        }
    }

    /**
     * Privileged, capabilities, a read-only root, and no-new-privileges, which ctr sets unless told otherwise and
     * Kubernetes does not. Capabilities come without {@code CAP_}, or as {@code ALL}. ctr refuses {@code ALL} ("must
     * be specified with 'CAP_' prefix") and applies its additions before its drops, so the sets are worked out here:
     * adding ALL adds every capability ({@link #ALL_CAPABILITIES}), dropping ALL drops containerd's defaults
     * ({@link #DEFAULT_CAPABILITIES}), and nothing added is dropped.
     */
    public static void security(List<String> argv, boolean privileged, List<String> capAdd, List<String> capDrop,
                                boolean readOnlyRoot, boolean noNewPrivileges) {
        if (privileged) {
            argv.add("--privileged");
        }
        List<String> added = capAdd.contains("ALL") ? ALL_CAPABILITIES
                : capAdd.stream().map(CtrFlags::capability).distinct().toList();
        List<String> dropped = capDrop.contains("ALL") ? DEFAULT_CAPABILITIES
                : capDrop.stream().map(CtrFlags::capability).distinct().toList();
        added.forEach(c -> {
            argv.add("--cap-add");
            argv.add(c);
        });
        dropped.stream().filter(c -> !added.contains(c)).forEach(c -> {
            argv.add("--cap-drop");
            argv.add(c);
        });
        if (readOnlyRoot) {
            argv.add("--read-only");
        }
        if (!noNewPrivileges) {
            argv.add("--allow-new-privs");
        }
    }

    /** A seccomp profile: none, ctr's default profile ({@code profile} null), or the profile file {@code profile}. */
    public static void seccomp(List<String> argv, boolean enabled, String profile) {
        if (!enabled) {
            return;
        }
        argv.add("--seccomp");
        if (profile != null) {
            argv.add("--seccomp-profile");
            argv.add(profile);
        }
    }

    /**
     * The process argv to give ctr, which takes the whole argv after the image and has no {@code --entrypoint}, so
     * the Kubernetes rules are applied here: {@code command} replaces the image's Entrypoint and Cmd; {@code args}
     * alone follow the image's Entrypoint; neither means the image's defaults, which ctr applies when the argv is
     * empty.
     *
     * @param imageEntrypoint read only when {@code args} come without {@code command}
     */
    public static List<String> processArgs(List<String> command, List<String> args, List<String> imageEntrypoint) {
        List<String> rest = args == null ? List.of() : args;
        if (command != null && !command.isEmpty()) {
            List<String> argv = new ArrayList<>(command);
            argv.addAll(rest);
            return argv;
        }
        if (rest.isEmpty()) {
            return List.of();
        }
        List<String> argv = new ArrayList<>(imageEntrypoint);
        argv.addAll(rest);
        return argv;
    }

    /**
     * The {@code --log-uri} that appends the container's stdout and stderr to {@code logFile}: a shim "binary" logger
     * that is {@code /bin/sh} running two {@code cat}s. Not {@code file://}: containerd 1.6's shim then writes both
     * streams through one shared file handle that the first stream to end closes, and the other stream's last
     * output is lost (containerd issue 3118; seen here for 1 in 6 short-lived containers). The logger gets stdout on
     * fd 3, stderr on fd 4, and tells the shim it is ready by closing fd 5, which the {@code cat}s must not inherit
     * (or ctr hangs). The shim waits for it to drain when the task is deleted.
     */
    public static String logUri(Path logFile) {
        String file = "'" + logFile.toString().replace("'", "'\\''") + "'";
        String script = "exec 5>&-; cat <&3 >>" + file + " 4<&- & cat <&4 >>" + file + " 3<&- & wait";
        return "binary:///bin/sh?-c=" + URLEncoder.encode(script, StandardCharsets.UTF_8);
    }

    private static String capability(String c) {
        return c.startsWith("CAP_") ? c : "CAP_" + c;
    }

    /** ctr splits {@code --mount} at commas and {@code =}: such paths cannot be passed. */
    private static String mountPath(String path) {
        if (path.contains(",") || path.contains("=")) {
            throw new IllegalArgumentException("mount path " + path
                    + " contains ',' or '=', which ctr's --mount cannot carry; rename the directory");
        }
        return path;
    }
}
