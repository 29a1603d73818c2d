package io.staticpod.runtime;

import java.util.List;
import java.util.Map;

/**
 * What a container may additionally ask of the engine: resources, security settings, the PID namespace, names
 * and DNS. {@link #NONE} asks for nothing: the engine's defaults. Immutable.
 *
 * @param cpuShares          relative CPU weight (cgroup cpu.shares), 0 for the default
 * @param cpuQuotaMicros     CFS quota per period in microseconds, 0 for none
 * @param cpuPeriodMicros    CFS period in microseconds, 0 for the default (100000)
 * @param memoryLimitBytes   hard memory limit, 0 for none; exceeding it gets the container OOM-killed
 * @param privileged         all capabilities and devices
 * @param user               {@code uid} or {@code uid:gid}, or null for the image's user
 * @param supplementalGroups extra group ids
 * @param capAdd             capabilities to add, without the {@code CAP_} prefix
 * @param capDrop            capabilities to drop ({@code ALL} allowed)
 * @param readOnlyRootFilesystem the root file system is mounted read-only
 * @param noNewPrivileges    the process cannot gain privileges (setuid) — Kubernetes' allowPrivilegeEscalation false
 * @param seccomp            null for the engine's default profile, {@code unconfined}, or a profile file path
 * @param sysctls            namespaced kernel parameters
 * @param pid                the PID namespace (OWN: the container's own)
 * @param extraHosts         host name → address lines for /etc/hosts
 * @param dnsServers         resolv.conf name servers, empty for the engine's default
 * @param dnsSearches        resolv.conf search domains
 * @param dnsOptions         resolv.conf options
 * @param tmpfs              container path → mount options (e.g. {@code size=64m}) of in-memory file systems
 */
public record LaunchOptions(long cpuShares,
                            long cpuQuotaMicros,
                            long cpuPeriodMicros,
                            long memoryLimitBytes,
                            boolean privileged,
                            String user,
                            List<Long> supplementalGroups,
                            List<String> capAdd,
                            List<String> capDrop,
                            boolean readOnlyRootFilesystem,
                            boolean noNewPrivileges,
                            String seccomp,
                            Map<String, String> sysctls,
                            LaunchSpec.Namespace pid,
                            List<String> extraHosts,
                            List<String> dnsServers,
                            List<String> dnsSearches,
                            List<String> dnsOptions,
                            Map<String, String> tmpfs) {

    public static final LaunchOptions NONE = new LaunchOptions(0, 0, 0, 0, false, null, null, null, null, false, false,
            null, null, null, null, null, null, null, null);

    public LaunchOptions {
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
        pid = pid == null ? LaunchSpec.Namespace.own() : pid;
        extraHosts = extraHosts == null ? List.of() : List.copyOf(extraHosts);
        dnsServers = dnsServers == null ? List.of() : List.copyOf(dnsServers);
        dnsSearches = dnsSearches == null ? List.of() : List.copyOf(dnsSearches);
        dnsOptions = dnsOptions == null ? List.of() : List.copyOf(dnsOptions);
        tmpfs = tmpfs == null ? Map.of() : Map.copyOf(tmpfs);
    }
}
