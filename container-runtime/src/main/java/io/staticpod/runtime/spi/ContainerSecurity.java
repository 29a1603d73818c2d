package io.staticpod.runtime.spi;

import java.util.List;

/**
 * A container's security settings, as CRI's {@code LinuxContainerSecurityContext}. {@link #DEFAULT} asks for the
 * image's user, the engine's default capabilities, a writable root and an unconfined seccomp profile (the kubelet's
 * default before 1.27).
 *
 * @param runAsUser          uid, or null for the image's user
 * @param runAsGroup         gid, or null for the user's primary group
 * @param capAdd             capabilities to add, without {@code CAP_}
 * @param capDrop            capabilities to drop ({@code ALL} allowed)
 * @param noNewPrivileges    setuid binaries gain nothing (allowPrivilegeEscalation: false)
 * @param pid                the container's PID namespace: {@link NamespaceMode#CONTAINER}, or the sandbox's
 *                           ({@link NamespaceMode#POD}, {@link NamespaceMode#NODE}) as its config says
 */
public record ContainerSecurity(boolean privileged,
                                Long runAsUser,
                                Long runAsGroup,
                                List<Long> supplementalGroups,
                                List<String> capAdd,
                                List<String> capDrop,
                                boolean readOnlyRootFilesystem,
                                boolean noNewPrivileges,
                                Seccomp seccomp,
                                NamespaceMode pid) {
    public static final ContainerSecurity DEFAULT = new ContainerSecurity(false, null, null, List.of(), List.of(),
            List.of(), false, false, Seccomp.UNCONFINED, NamespaceMode.CONTAINER);

    public ContainerSecurity {
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
        capAdd = capAdd == null ? List.of() : List.copyOf(capAdd);
        capDrop = capDrop == null ? List.of() : List.copyOf(capDrop);
        seccomp = seccomp == null ? Seccomp.UNCONFINED : seccomp;
        pid = pid == null ? NamespaceMode.CONTAINER : pid;
    }
}
