package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerSecurity;
import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.NamespaceOptions;
import io.staticpod.runtime.spi.PortMapping;
import io.staticpod.runtime.spi.Resources;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.Seccomp;

import java.util.List;

/**
 * The SPI's configurations as CRI messages, field by field, as the kubelet fills them. Pure functions; nothing here
 * calls the runtime. In-memory mounts arrive here already turned into binds ({@link InMemoryMounts}).
 */
final class CriRequests {
    /** The CFS period the kernel uses when only a quota is given. */
    static final long DEFAULT_CPU_PERIOD_MICROS = 100_000;

    private CriRequests() {
    }

    /**
     * @param logDirectory the pod's log directory ({@link CriSettings#logDirectory}), or null for none
     */
    static Cri.PodSandboxConfig sandbox(SandboxConfig config, String logDirectory) {
        SandboxMetadata m = config.metadata();
        Cri.PodSandboxConfig.Builder b = Cri.PodSandboxConfig.newBuilder()
                .setMetadata(Cri.PodSandboxMetadata.newBuilder().setName(m.name()).setNamespace(m.namespace())
                        .setUid(m.uid()).setAttempt(m.attempt()))
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations());
        // on the node's network the host name is the node's: the CRI wants it empty there
        if (!config.hostNetwork() && config.hostname() != null) {
            b.setHostname(config.hostname());
        }
        if (logDirectory != null) {
            b.setLogDirectory(logDirectory);
        }
        DnsConfig dns = config.dns();
        if (!dns.isNode()) {
            b.setDnsConfig(Cri.DNSConfig.newBuilder().addAllServers(dns.servers()).addAllSearches(dns.searches())
                    .addAllOptions(dns.options()));
        }
        for (PortMapping p : config.portMappings()) {
            b.addPortMappings(Cri.PortMapping.newBuilder().setProtocol(protocol(p.protocol()))
                    .setContainerPort(p.containerPort()).setHostPort(p.hostPort()).setHostIp(p.hostIp()));
        }
        b.setLinux(Cri.LinuxPodSandboxConfig.newBuilder()
                .putAllSysctls(config.sysctls())
                .setSecurityContext(Cri.LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(namespaces(config.namespaces()))
                        .setPrivileged(config.privileged())));
        return b.build();
    }

    /**
     * @param mounts the container's mounts as CRI binds (in-memory ones already given a host directory)
     */
    static Cri.ContainerConfig container(ContainerConfig config, SandboxConfig sandbox, List<Cri.Mount> mounts) {
        Cri.ContainerConfig.Builder b = Cri.ContainerConfig.newBuilder()
                .setMetadata(Cri.ContainerMetadata.newBuilder().setName(config.name()).setAttempt(config.attempt()))
                .setImage(Cri.ImageSpec.newBuilder().setImage(config.image()))
                .addAllMounts(mounts)
                .putAllLabels(config.labels())
                .putAllAnnotations(config.annotations());
        // an empty command list means "the image's"; the runtime then drops the image's arguments only when
        // args are given, which is Kubernetes' rule too
        if (config.command() != null) {
            b.addAllCommand(config.command());
        }
        if (config.args() != null) {
            b.addAllArgs(config.args());
        }
        if (config.workingDir() != null) {
            b.setWorkingDir(config.workingDir());
        }
        for (EnvVar e : config.env()) {
            b.addEnvs(Cri.KeyValue.newBuilder().setKey(e.name()).setValue(e.value()));
        }
        // the kubelet's layout when none is given: every container's output is in a file
        b.setLogPath(config.logPath() != null ? config.logPath() : config.name() + "/" + config.attempt() + ".log");
        b.setLinux(Cri.LinuxContainerConfig.newBuilder()
                .setResources(resources(config.resources()))
                .setSecurityContext(security(config.security(), sandbox.namespaces())));
        return b.build();
    }

    static Cri.Mount bind(String hostPath, String containerPath, boolean readOnly) {
        return Cri.Mount.newBuilder().setHostPath(hostPath).setContainerPath(containerPath).setReadonly(readOnly)
                .build();
    }

    static Cri.LinuxContainerResources resources(Resources r) {
        long period = r.cpuPeriodMicros();
        if (period == 0 && r.cpuQuotaMicros() > 0) {
            period = DEFAULT_CPU_PERIOD_MICROS;
        }
        return Cri.LinuxContainerResources.newBuilder()
                .setCpuShares(r.cpuShares())
                .setCpuQuota(r.cpuQuotaMicros())
                .setCpuPeriod(period)
                .setMemoryLimitInBytes(r.memoryLimitBytes())
                .setOomScoreAdj(r.oomScoreAdj())
                .build();
    }

    static Cri.LinuxContainerSecurityContext security(ContainerSecurity s, NamespaceOptions pod) {
        Cri.LinuxContainerSecurityContext.Builder b = Cri.LinuxContainerSecurityContext.newBuilder()
                .setPrivileged(s.privileged())
                .setCapabilities(Cri.Capability.newBuilder().addAllAddCapabilities(s.capAdd())
                        .addAllDropCapabilities(s.capDrop()))
                // network and IPC are the sandbox's; the PID namespace is the container's own unless shared
                .setNamespaceOptions(Cri.NamespaceOption.newBuilder().setNetwork(mode(pod.network()))
                        .setIpc(mode(pod.ipc())).setPid(mode(s.pid())))
                .setReadonlyRootfs(s.readOnlyRootFilesystem())
                .addAllSupplementalGroups(s.supplementalGroups())
                .setNoNewPrivs(s.noNewPrivileges())
                .setSeccomp(seccomp(s.seccomp()));
        if (s.runAsUser() != null) {
            b.setRunAsUser(Cri.Int64Value.newBuilder().setValue(s.runAsUser()));
        }
        if (s.runAsGroup() != null) {
            b.setRunAsGroup(Cri.Int64Value.newBuilder().setValue(s.runAsGroup()));
        }
        return b.build();
    }

    static Cri.SecurityProfile seccomp(Seccomp seccomp) {
        return switch (seccomp.kind()) {
            // said explicitly: the enum's zero value is RuntimeDefault
            case UNCONFINED -> Cri.SecurityProfile.newBuilder()
                    .setProfileType(Cri.SecurityProfile.ProfileType.Unconfined).build();
            case RUNTIME_DEFAULT -> Cri.SecurityProfile.newBuilder()
                    .setProfileType(Cri.SecurityProfile.ProfileType.RuntimeDefault).build();
            case LOCALHOST -> Cri.SecurityProfile.newBuilder()
                    .setProfileType(Cri.SecurityProfile.ProfileType.Localhost)
                    .setLocalhostRef(seccomp.localhostPath()).build();
        };
    }

    static Cri.NamespaceOption namespaces(NamespaceOptions n) {
        return Cri.NamespaceOption.newBuilder().setNetwork(mode(n.network())).setPid(mode(n.pid()))
                .setIpc(mode(n.ipc())).build();
    }

    static Cri.NamespaceMode mode(NamespaceMode mode) {
        return switch (mode) {
            case POD -> Cri.NamespaceMode.POD;
            case CONTAINER -> Cri.NamespaceMode.CONTAINER;
            case NODE -> Cri.NamespaceMode.NODE;
        };
    }

    static Cri.Protocol protocol(PortMapping.Protocol protocol) {
        return switch (protocol) {
            case TCP -> Cri.Protocol.TCP;
            case UDP -> Cri.Protocol.UDP;
            case SCTP -> Cri.Protocol.SCTP;
        };
    }
}
