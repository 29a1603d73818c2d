package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxMetadata;

import java.util.Optional;

/**
 * Docker container names of sandboxes and containers, as dockershim made them, shared by every Docker adapter so
 * that a node switching adapters finds its pods: {@code k8s_POD_<pod>_<namespace>_<uid>_<attempt>} for a sandbox
 * (its pause container) and {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>} for a container. The name is
 * where a container's name in the pod, its attempt and its sandbox's metadata are read back from, so no part may
 * hold the separator {@code _} (Kubernetes names never do).
 */
public final class DockerNaming {

    static final String PREFIX = "k8s";
    /** The container name of a sandbox, as the kubelet's. */
    public static final String SANDBOX = "POD";
    private static final String SEPARATOR = "_";

    private DockerNaming() {
    }

    /** {@code k8s_POD_<pod>_<namespace>_<uid>_<attempt>}. */
    public static String sandboxName(SandboxMetadata pod) {
        return name(SANDBOX, pod, pod.attempt());
    }

    /** {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>}, the attempt being the container's. */
    public static String containerName(SandboxMetadata pod, ContainerConfig container) {
        if (SANDBOX.equals(container.name())) {
            throw new RuntimeError.Refused("a container may not be named " + SANDBOX + ": Docker adapters name the"
                    + " sandbox so", null);
        }
        return name(container.name(), pod, container.attempt());
    }

    private static String name(String container, SandboxMetadata pod, int attempt) {
        for (String[] part : new String[][]{{"container name", container}, {"pod name", pod.name()},
                {"namespace", pod.namespace()}, {"pod uid", pod.uid()}}) {
            if (part[1].isEmpty() || part[1].contains(SEPARATOR) || part[1].contains("/")) {
                throw new RuntimeError.Refused("the " + part[0] + " '" + part[1] + "' cannot be part of a Docker"
                        + " container name: it is empty or holds '_' or '/'", null);
            }
        }
        return String.join(SEPARATOR, PREFIX, container, pod.name(), pod.namespace(), pod.uid(),
                Integer.toString(attempt));
    }

    /** What a name says, or empty when it is not one of ours (a leading {@code /}, as Docker shows it, is fine). */
    public static Optional<Parsed> parse(String dockerName) {
        String name = dockerName.startsWith("/") ? dockerName.substring(1) : dockerName;
        String[] parts = name.split(SEPARATOR, -1);
        if (parts.length != 6 || !PREFIX.equals(parts[0])) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Parsed(parts[1], new SandboxMetadata(parts[2], parts[3], parts[4],
                    Integer.parseInt(parts[5]))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** An id as messages show it: its first 12 hex digits, as {@code docker ps} does; anything else as it is. */
    public static String shortId(String id) {
        return id.length() > 12 && id.matches("[0-9a-f]+") ? id.substring(0, 12) : id;
    }

    /**
     * A parsed name.
     *
     * @param container the container's name in the pod, {@link #SANDBOX} for a sandbox
     * @param pod       the pod; its attempt is the container's own attempt for a container
     */
    public record Parsed(String container, SandboxMetadata pod) {
        public boolean sandbox() {
            return SANDBOX.equals(container);
        }
    }
}
