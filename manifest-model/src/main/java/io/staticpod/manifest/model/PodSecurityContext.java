package io.staticpod.manifest.model;

import java.util.List;

/**
 * The pod's {@code securityContext}: what its sandbox runs with, and what each container inherits where it sets
 * nothing itself (already merged into each {@link Container#security()}).
 *
 * @param sysctls namespaced kernel parameters, in order
 */
public record PodSecurityContext(RunAs runAs, List<Long> supplementalGroups, List<Sysctl> sysctls,
                                 SeccompProfile seccompProfile) {
    public static final PodSecurityContext DEFAULT = new PodSecurityContext(RunAs.IMAGE_USER, List.of(), List.of(),
            SeccompProfile.UNCONFINED);

    public PodSecurityContext {
        runAs = runAs == null ? RunAs.IMAGE_USER : runAs;
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
        sysctls = sysctls == null ? List.of() : List.copyOf(sysctls);
        seccompProfile = seccompProfile == null ? SeccompProfile.UNCONFINED : seccompProfile;
    }

    /** A kernel parameter: {@code net.ipv4.ip_unprivileged_port_start = 0}. */
    public record Sysctl(String name, String value) {
    }
}
