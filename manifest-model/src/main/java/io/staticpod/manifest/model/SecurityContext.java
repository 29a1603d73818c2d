package io.staticpod.manifest.model;

import java.util.List;

/**
 * A container's effective security settings, as the kubelet applies them: the container's own
 * {@code securityContext}, with each of {@code runAsUser}, {@code runAsGroup}, {@code runAsNonRoot} and
 * {@code seccompProfile} that it leaves unset taken from the pod's, and the pod's {@code supplementalGroups}.
 * Unset flags have their API meaning: not privileged, a writable root, privilege escalation allowed.
 *
 * @param allowPrivilegeEscalation false only when the manifest says so: the container then runs with
 *                                 {@code no_new_privs}
 */
public record SecurityContext(RunAs runAs,
                              List<Long> supplementalGroups,
                              boolean privileged,
                              Capabilities capabilities,
                              boolean readOnlyRootFilesystem,
                              boolean allowPrivilegeEscalation,
                              SeccompProfile seccompProfile) {
    /** A container with no security settings in a pod without any. */
    public static final SecurityContext DEFAULT = new SecurityContext(RunAs.IMAGE_USER, List.of(), false,
            Capabilities.NONE, false, true, SeccompProfile.UNCONFINED);

    public SecurityContext {
        runAs = runAs == null ? RunAs.IMAGE_USER : runAs;
        supplementalGroups = supplementalGroups == null ? List.of() : List.copyOf(supplementalGroups);
        capabilities = capabilities == null ? Capabilities.NONE : capabilities;
        seccompProfile = seccompProfile == null ? SeccompProfile.UNCONFINED : seccompProfile;
    }

    /** {@code no_new_privs}: set when {@code allowPrivilegeEscalation} is false. */
    public boolean noNewPrivileges() {
        return !allowPrivilegeEscalation;
    }
}
