package io.staticpod.agent.launch;

import io.staticpod.manifest.HookJson;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.VolumeMount;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps a static pod onto the runtime's launch records: one sandbox per pod (on the node's network too, for
 * hostNetwork) and one container config per container in it. Names, labels and annotations are the kubelet's, so
 * that tools, log shippers and a restarted agent find everything again: labels {@code io.kubernetes.pod.name},
 * {@code .namespace}, {@code .uid}, {@code io.kubernetes.container.name} ({@code POD} on sandboxes) and the owner label
 * {@code io.staticpod.agent.node}, and on sandboxes the sandbox hash {@code io.staticpod.agent.sandbox.hash}; the
 * container hash, restart count, grace period and termination message path as annotations. When the runtime writes log files, they go where the kubelet puts them:
 * {@code /var/log/pods/<ns>_<pod>_<uid>/<container>/<attempt>.log}.
 *
 * <p>Thread-safe: stateless but for the files it writes under the pod's directories.
 */
public final class LaunchConfigs {
    /** Where the kubelet puts pods' log directories. */
    public static final Path POD_LOGS = Path.of("/var/log/pods");

    private final String nodeName;
    private final Volumes volumes;
    private final EnvResolver env;
    private final Path podLogRoot;
    private final boolean appliesUsers;

    /**
     * @param podLogRoot   where pods' log directories go ({@link #POD_LOGS}) when the runtime writes log files; null
     *                     when it keeps logs its own way
     * @param appliesUsers the runtime applies {@code runAsUser} ({@code Capabilities.runAsUser})
     */
    public LaunchConfigs(String nodeName, Volumes volumes, EnvResolver env, Path podLogRoot, boolean appliesUsers) {
        this.nodeName = nodeName;
        this.volumes = volumes;
        this.env = env;
        this.podLogRoot = podLogRoot;
        this.appliesUsers = appliesUsers;
    }

    /** A runtime that applies users and groups. */
    public LaunchConfigs(String nodeName, Volumes volumes, EnvResolver env, Path podLogRoot) {
        this(nodeName, volumes, env, podLogRoot, true);
    }

    /** The labels of everything this agent owns. */
    public Map<String, String> ownerSelector() {
        return ownerSelector(nodeName);
    }

    /** The labels of everything of one pod key (every version) on this node. */
    public Map<String, String> podSelector(PodKey key) {
        return podSelector(nodeName, key);
    }

    /** The labels of everything the agent of {@code nodeName} owns. */
    public static Map<String, String> ownerSelector(String nodeName) {
        return Map.of(WellKnown.OWNER, nodeName);
    }

    /** The labels of everything of one pod key (every version) of the agent of {@code nodeName}. */
    public static Map<String, String> podSelector(String nodeName, PodKey key) {
        return Map.of(WellKnown.OWNER, nodeName, WellKnown.POD_NAMESPACE, key.namespace(), WellKnown.POD_NAME,
                key.name());
    }

    /**
     * The pod's sandbox of attempt {@code attempt}; creates the pod's log directory when the runtime writes log files.
     *
     * @throws LaunchException when the pod asks for what this node refuses, or the log directory cannot be made
     */
    public SandboxConfig sandbox(StaticPod pod, int attempt) throws LaunchException {
        Map<String, String> labels = new HashMap<>(pod.pod().metadata().labels()); // as the kubelet: the pod's labels
        labels.putAll(podLabels(pod));
        labels.put(WellKnown.CONTAINER_NAME, WellKnown.SANDBOX_CONTAINER_NAME); // POD, as dockershim names it
        labels.put(WellKnown.SANDBOX_HASH, PodIdentity.sandboxHash(pod.pod())); // a change recreates the sandbox
        Path logDir = logDirectory(pod);
        if (logDir != null) {
            try {
                Files.createDirectories(logDir);
            } catch (IOException e) {
                throw new LaunchException("cannot create the pod's log directory " + logDir + ": " + e.getMessage());
            }
        }
        return new SandboxConfig(new SandboxMetadata(pod.key().name(), pod.key().namespace(), pod.uid(), attempt),
                hostname(pod), logDir == null ? null : logDir.toString(), PodSettings.dns(pod),
                PodSettings.portMappings(pod), labels, pod.pod().metadata().annotations(), PodSettings.namespaces(pod),
                PodSettings.sysctls(pod), PodSettings.privileged(pod));
    }

    /**
     * Prepares what the pod's containers mount: volumes, and its {@code /etc/hosts} with {@code podIp} (null when the
     * runtime gives no address). Call before starting containers.
     *
     * @throws LaunchException naming the volume or file that cannot be prepared
     */
    public PodFiles prepare(StaticPod pod, String podIp) throws LaunchException {
        Map<String, Path> paths = volumes.prepare(pod);
        Path hosts = EtcHosts.write(volumes.podDir(pod.uid()).resolve("etc-hosts"),
                EtcHosts.content(pod, hostname(pod), podIp));
        return new PodFiles(paths, hosts, podIp);
    }

    /**
     * The config of instance {@code attempt} of container {@code c}; creates its termination log file.
     *
     * @throws LaunchException when a mount has no source this agent supports, a setting is refused, or the
     *                         termination log cannot be created
     */
    public ContainerConfig container(StaticPod pod, Container c, int attempt, PodFiles files) throws LaunchException {
        if (!appliesUsers && PodSettings.runAsNonRoot(c)) {
            throw new LaunchException("container " + c.name() + ": runAsNonRoot is set, and this runtime cannot run a "
                    + "container as another user than its image's: use a runtime that can (--runtime docker, "
                    + "containerd or cri), or drop runAsNonRoot");
        }
        Map<String, String> resolved = env.env(pod, c, files.podIp());
        List<Mount> mounts = new ArrayList<>();
        for (VolumeMount m : c.volumeMounts()) {
            Path host = files.volumes().get(m.name());
            if (host == null) {
                throw new LaunchException("container " + c.name() + ": volume " + m.name()
                        + " has a source this agent does not support (hostPath, emptyDir and downwardAPI are)");
            }
            if (m.subPath() != null && !m.subPath().isEmpty()) {
                host = host.resolve(m.subPath());
            }
            mounts.add(Mount.bind(host.toString(), m.mountPath(), m.readOnly()));
        }
        String messagePath = c.lifecycle().terminationMessagePath();
        if (mounts.stream().noneMatch(m -> m.containerPath().equals(messagePath))) {
            mounts.add(Mount.bind(terminationLog(pod, c, attempt).toString(), messagePath, false));
        }
        if (mounts.stream().noneMatch(m -> m.containerPath().equals(EtcHosts.CONTAINER_PATH))) {
            mounts.add(Mount.bind(files.etcHosts().toString(), EtcHosts.CONTAINER_PATH, false));
        }
        Map<String, String> labels = podLabels(pod);
        labels.put(WellKnown.CONTAINER_NAME, c.name());
        Map<String, String> annotations = new LinkedHashMap<>(Map.of(
                WellKnown.CONTAINER_HASH, PodIdentity.containerHash(c),
                WellKnown.CONTAINER_RESTART_COUNT, Integer.toString(attempt),
                WellKnown.POD_TERMINATION_GRACE_PERIOD, Long.toString(pod.pod().spec().terminationGracePeriodSeconds()),
                WellKnown.TERMINATION_MESSAGE_PATH, messagePath,
                WellKnown.TERMINATION_MESSAGE_POLICY, c.lifecycle().terminationMessagePolicy().name()));
        if (c.lifecycle().preStop() != null) {
            annotations.put(WellKnown.PRE_STOP_HANDLER, HookJson.write(numberedPort(c.lifecycle().preStop(), c)));
        }
        return ContainerConfig.builder(c.name(), attempt, c.image())
                .command(EnvResolver.expand(c.command(), resolved))
                .args(EnvResolver.expand(c.args(), resolved))
                .workingDir(c.workingDir())
                .env(EnvResolver.runtimeEnv(resolved))
                .mounts(mounts)
                .labels(labels)
                .annotations(annotations)
                .logPath(podLogRoot == null ? null : c.name() + "/" + attempt + ".log")
                .resources(PodSettings.resources(pod, c))
                .security(PodSettings.security(pod, c))
                .build();
    }

    /**
     * A hook whose httpGet names one of the container's ports, with that port's number: the hook kept on the container
     * runs without its spec (the manifest may be gone by then).
     */
    private static Probe.Action numberedPort(Probe.Action hook, Container c) {
        if (hook instanceof Probe.HttpGet h && h.port() != null && !h.port().matches("[0-9]+")) {
            for (ContainerPort p : c.ports()) {
                if (h.port().equals(p.name())) {
                    return new Probe.HttpGet(h.scheme(), h.host(), Integer.toString(p.containerPort()), h.path(),
                            h.headers());
                }
            }
        }
        return hook;
    }

    /** Removes what the agent kept on the node for a pod version that is gone: its state and its log directory. */
    public void cleanup(PodKey key, String uid) {
        volumes.cleanup(uid);
        if (podLogRoot != null) {
            Volumes.deleteTree(podLogRoot.resolve(key.namespace() + "_" + key.name() + "_" + uid));
        }
    }

    private Path terminationLog(StaticPod pod, Container c, int attempt) throws LaunchException {
        Path file = volumes.terminationLog(pod.uid(), c.name(), attempt);
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[0]);
            return file;
        } catch (IOException e) {
            throw new LaunchException("container " + c.name() + ": cannot create its termination log " + file + ": "
                    + e.getMessage());
        }
    }

    private Path logDirectory(StaticPod pod) {
        return podLogRoot == null ? null
                : podLogRoot.resolve(pod.key().namespace() + "_" + pod.key().name() + "_" + pod.uid());
    }

    private Map<String, String> podLabels(StaticPod pod) {
        Map<String, String> labels = new HashMap<>();
        labels.put(WellKnown.OWNER, nodeName);
        labels.put(WellKnown.POD_NAME, pod.key().name());
        labels.put(WellKnown.POD_NAMESPACE, pod.key().namespace());
        labels.put(WellKnown.POD_UID, pod.uid());
        labels.put(WellKnown.SOURCE_FILE_LABEL, pod.file().toString());
        return labels;
    }

    /** {@code spec.hostname}, else the pod's name, cut to 63 characters as the kubelet does. */
    static String hostname(StaticPod pod) {
        String h = pod.pod().spec().hostname();
        if (h == null || h.isEmpty()) {
            h = pod.key().name();
        }
        return h.length() > 63 ? h.substring(0, 63).replaceAll("[-.]+$", "") : h;
    }
}
