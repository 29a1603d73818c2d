package io.staticpod.agent.pod;

import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.VolumeMount;
import io.staticpod.runtime.LaunchSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a static pod onto the runtime's launch records: one sandbox that owns the network and IPC namespaces (unless
 * the pod uses the host network), and one record per container joining it. Names and labels follow the kubelet's, so
 * that tools and a restarted agent find every container again.
 */
final class LaunchSpecs {
    private final String nodeName;
    private final String sandboxImage;
    private final EnvResolver envResolver;
    private volatile Volumes terminationLogs;

    LaunchSpecs(String nodeName, String sandboxImage, EnvResolver envResolver) {
        this.nodeName = nodeName;
        this.sandboxImage = sandboxImage;
        this.envResolver = envResolver;
    }

    LaunchSpecs(String nodeName, String sandboxImage) {
        this(nodeName, sandboxImage, new EnvResolver(nodeName, "127.0.0.1", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory()));
    }

    /** Mount a termination log file for every container (the pods' state lives in {@code volumes}). */
    void terminationLogs(Volumes volumes) {
        this.terminationLogs = volumes;
    }

    /** {@code terminationMessagePath}, default {@code /dev/termination-log} as the API server defaults it. */
    static String terminationMessagePath(StaticPod pod, Container c) {
        return pod.containerManifest(c.name()).path("terminationMessagePath").asText("/dev/termination-log");
    }

    String sandboxImage() {
        return sandboxImage;
    }

    /** The labels that find every container of this pod on this node. */
    Map<String, String> podSelector(String namespace, String name) {
        return Map.of(WellKnown.OWNER, nodeName, WellKnown.POD_NAMESPACE, namespace, WellKnown.POD_NAME, name);
    }

    /** The label that finds every container this agent owns. */
    Map<String, String> ownerSelector() {
        return Map.of(WellKnown.OWNER, nodeName);
    }

    LaunchSpec sandbox(StaticPod pod, int attempt) {
        PodSpec spec = pod.pod().spec();
        Map<String, String> labels = baseLabels(pod);
        labels.put(WellKnown.CONTAINER_NAME, WellKnown.SANDBOX_CONTAINER_NAME);
        labels.put(WellKnown.CONTAINER_TYPE, WellKnown.TYPE_SANDBOX);
        labels.put(WellKnown.CONTAINER_RESTART_COUNT, Integer.toString(attempt));
        List<LaunchSpec.PortMapping> ports = new ArrayList<>();
        for (Container c : spec.containers()) {
            for (ContainerPort p : c.ports()) {
                if (p.hostPort() > 0) {
                    ports.add(new LaunchSpec.PortMapping(p.containerPort(), p.hostPort(), p.hostIP(), p.protocol()));
                }
            }
        }
        return new LaunchSpec(dockerName(WellKnown.SANDBOX_CONTAINER_NAME, pod, attempt), sandboxImage,
                null, null, List.of(), null, List.of(), ports, labels,
                LaunchSpec.Namespace.own(),
                spec.hostIPC() ? LaunchSpec.Namespace.host() : LaunchSpec.Namespace.own(),
                hostname(pod), null, PodOptions.sandbox(pod));
    }

    /**
     * @param sandboxId the sandbox to join, or null for a host-network pod
     * @param podIp     the sandbox's address, for {@code status.podIP} in the environment, or null
     * @param volumes   each volume's host path, from {@link Volumes#prepare}
     */
    LaunchSpec container(StaticPod pod, Container c, int attempt, String sandboxId, String podIp,
                         Map<String, Path> volumes) throws Volumes.VolumeException {
        PodSpec spec = pod.pod().spec();
        Map<String, String> labels = baseLabels(pod);
        labels.put(WellKnown.CONTAINER_NAME, c.name());
        labels.put(WellKnown.CONTAINER_TYPE, WellKnown.TYPE_CONTAINER);
        labels.put(WellKnown.CONTAINER_HASH, PodIdentity.containerHash(c));
        labels.put(WellKnown.CONTAINER_RESTART_COUNT, Integer.toString(attempt));
        if (sandboxId != null) {
            labels.put(WellKnown.SANDBOX_ID, sandboxId);
        }
        Map<String, String> resolved = envResolver.env(pod, c, podIp);
        List<LaunchSpec.EnvVar> env = envResolver.launchEnv(resolved);
        List<LaunchSpec.Mount> mounts = new ArrayList<>();
        for (VolumeMount m : c.volumeMounts()) {
            Path host = volumes.get(m.name());
            if (host == null) {
                throw new Volumes.VolumeException("container " + c.name() + ": volume " + m.name()
                        + " has a source this agent does not support (hostPath and emptyDir are)");
            }
            if (m.subPath() != null && !m.subPath().isEmpty()) {
                host = host.resolve(m.subPath());
            }
            mounts.add(new LaunchSpec.Mount(host.toString(), m.mountPath(), m.readOnly()));
        }
        if (terminationLogs != null) {
            String path = terminationMessagePath(pod, c);
            if (!path.isEmpty() && mounts.stream().noneMatch(m -> m.containerPath().equals(path))) {
                Path file = terminationLogs.terminationLog(pod.uid(), c.name(), attempt);
                try {
                    java.nio.file.Files.createDirectories(file.getParent());
                    java.nio.file.Files.write(file, new byte[0]);
                } catch (java.io.IOException e) {
                    throw new Volumes.VolumeException("container " + c.name() + ": cannot create its termination log "
                            + file + ": " + e.getMessage());
                }
                mounts.add(new LaunchSpec.Mount(file.toString(), path, false));
            }
        }
        LaunchSpec.Namespace network;
        LaunchSpec.Namespace ipc;
        String hostname = null;
        if (sandboxId == null) {
            network = LaunchSpec.Namespace.host();
            ipc = spec.hostIPC() ? LaunchSpec.Namespace.host() : LaunchSpec.Namespace.own();
        } else {
            network = LaunchSpec.Namespace.container(sandboxId);
            ipc = spec.hostIPC() ? LaunchSpec.Namespace.host() : LaunchSpec.Namespace.container(sandboxId);
        }
        return new LaunchSpec(dockerName(c.name(), pod, attempt), c.image(), EnvResolver.expand(c.command(), resolved),
                EnvResolver.expand(c.args(), resolved), env,
                c.workingDir(), mounts, List.of(), labels, network, ipc, hostname, null,
                options(pod, c, sandboxId));
    }

    private static io.staticpod.runtime.LaunchOptions options(StaticPod pod, Container c, String sandboxId)
            throws Volumes.VolumeException {
        try {
            return PodOptions.container(pod, c, sandboxId);
        } catch (IllegalArgumentException e) {
            throw new Volumes.VolumeException("container " + c.name() + ": " + e.getMessage());
        }
    }

    private Map<String, String> baseLabels(StaticPod pod) {
        Map<String, String> labels = new HashMap<>();
        labels.put(WellKnown.OWNER, nodeName);
        labels.put(WellKnown.POD_NAME, pod.key().name());
        labels.put(WellKnown.POD_NAMESPACE, pod.key().namespace());
        labels.put(WellKnown.POD_UID, pod.uid());
        labels.put(WellKnown.SOURCE_FILE_LABEL, pod.file().toString());
        labels.put(WellKnown.POD_TERMINATION_GRACE_PERIOD,
                Long.toString(pod.pod().spec().terminationGracePeriodSeconds()));
        return labels;
    }

    /** {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>}, as dockershim names containers. */
    static String dockerName(String container, StaticPod pod, int attempt) {
        return "k8s_" + container + "_" + pod.key().name() + "_" + pod.key().namespace() + "_" + pod.uid() + "_"
                + attempt;
    }

    private static String hostname(StaticPod pod) {
        String h = pod.pod().spec().hostname();
        if (h == null || h.isEmpty()) {
            h = pod.key().name();
        }
        if (h.length() > 63) {
            h = h.substring(0, 63).replaceAll("[-.]+$", ""); // as the kubelet truncates host names
        }
        return h;
    }
}
