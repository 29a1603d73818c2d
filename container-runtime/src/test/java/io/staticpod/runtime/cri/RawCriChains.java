package io.staticpod.runtime.cri;

import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The raw CRI calls of the benchmark's baselines, issued directly over the runtime's socket with nothing of the agent
 * in between: a pod's chain ({@code RunPodSandbox}, {@code CreateContainer}, {@code StartContainer}), a container
 * made again in an existing sandbox (CRI has no restart: what a kubelet does after a crash), a pod's stop
 * ({@code StopContainer} with 5 s of grace, then {@code StopPodSandbox}) and its removal. Every sandbox carries the
 * label {@code io.staticpod.bench=<label>}; the pods made here are remembered until removed, so that
 * {@link #close()} removes what is left.
 */
final class RawCriChains implements AutoCloseable {
    static final String BENCH_LABEL = "io.staticpod.bench";
    static final String OWNER_LABEL = "io.staticpod.agent.node";
    static final String POD_NAME_LABEL = "io.kubernetes.pod.name";
    private static final List<String> COMMAND = List.of("sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait");

    private final RuntimeServiceGrpc.RuntimeServiceBlockingStub cri;
    private final String image;
    private final Path logRoot;
    private final String label;
    private final Map<String, Pod> pods = new ConcurrentHashMap<>();

    /** A sandbox made here, its config (CreateContainer needs it) and the containers made in it, newest last. */
    record Pod(String sandboxId, Cri.PodSandboxConfig config, Path logDir, List<String> containers) {
        String app() {
            return containers.get(containers.size() - 1);
        }
    }

    RawCriChains(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, String image, Path logRoot, String label) {
        this.cri = cri;
        this.image = image;
        this.logRoot = logRoot;
        this.label = label;
    }

    /** RunPodSandbox, CreateContainer, StartContainer: a pod network sandbox, or the node's network. */
    Pod run(boolean hostNetwork) {
        String uid = UUID.randomUUID().toString();
        String name = "raw-cri-" + uid.substring(0, 8);
        Path logDir = logRoot.resolve("bench_" + name + "_" + uid);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cri.PodSandboxConfig sandbox = Cri.PodSandboxConfig.newBuilder()
                .setMetadata(Cri.PodSandboxMetadata.newBuilder().setName(name).setNamespace("bench").setUid(uid))
                .setHostname(hostNetwork ? "" : name).setLogDirectory(logDir.toString())
                .putLabels(BENCH_LABEL, label)
                .setLinux(Cri.LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                        Cri.LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                Cri.NamespaceOption.newBuilder()
                                        .setNetwork(hostNetwork ? Cri.NamespaceMode.NODE : Cri.NamespaceMode.POD)
                                        .setPid(Cri.NamespaceMode.CONTAINER))))
                .build();
        String sandboxId = deadline().runPodSandbox(Cri.RunPodSandboxRequest.newBuilder().setConfig(sandbox).build())
                .getPodSandboxId();
        Pod pod = new Pod(sandboxId, sandbox, logDir, new ArrayList<>());
        pods.put(sandboxId, pod);
        start(pod);
        return pod;
    }

    /** CreateContainer and StartContainer of the next attempt in a sandbox made here; the new container's id. */
    String recreate(String sandboxId) {
        Pod pod = pods.get(sandboxId);
        if (pod == null) {
            throw new IllegalArgumentException("no sandbox " + sandboxId + " made here");
        }
        return start(pod);
    }

    private String start(Pod pod) {
        int attempt = pod.containers().size();
        Cri.ContainerConfig container = Cri.ContainerConfig.newBuilder()
                .setMetadata(Cri.ContainerMetadata.newBuilder().setName("app").setAttempt(attempt))
                .setImage(Cri.ImageSpec.newBuilder().setImage(image))
                .addAllCommand(COMMAND)
                .addEnvs(Cri.KeyValue.newBuilder().setKey("GEN").setValue("1"))
                .setLogPath("app/" + attempt + ".log")
                .putLabels(BENCH_LABEL, label)
                .build();
        String id = deadline().createContainer(Cri.CreateContainerRequest.newBuilder()
                .setPodSandboxId(pod.sandboxId()).setConfig(container).setSandboxConfig(pod.config()).build())
                .getContainerId();
        deadline().startContainer(Cri.StartContainerRequest.newBuilder().setContainerId(id).build());
        synchronized (pod) {
            pod.containers().add(id);
        }
        return id;
    }

    /** StopContainer of the pod's latest container (5 s of grace), then StopPodSandbox. */
    void stop(String sandboxId) {
        Pod pod = pods.get(sandboxId);
        if (pod != null && !pod.containers().isEmpty()) {
            deadline().stopContainer(Cri.StopContainerRequest.newBuilder().setContainerId(pod.app()).setTimeout(5)
                    .build());
        }
        deadline().stopPodSandbox(Cri.StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }

    /** StopPodSandbox and RemovePodSandbox (its containers with it), and its log directory. */
    void remove(String sandboxId) {
        deadline().stopPodSandbox(Cri.StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
        deadline().removePodSandbox(Cri.RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
        Pod pod = pods.remove(sandboxId);
        if (pod != null) {
            deleteTree(pod.logDir());
        }
    }

    /** Removes the sandboxes of a pod, by its {@code io.kubernetes.pod.name} label; how many there were. */
    int removePod(String podName) {
        return removeWhere(labels -> podName.equals(labels.get(POD_NAME_LABEL)));
    }

    /**
     * Removes what a benchmark run made on the runtime: the sandboxes labelled {@code io.staticpod.bench=<run>}
     * and those of its agents' nodes ({@code io.staticpod.agent.node=<run>-*}); never another sandbox.
     */
    int removeOwned(String run) {
        return removeWhere(labels -> run.equals(labels.get(BENCH_LABEL))
                || labels.getOrDefault(OWNER_LABEL, "").startsWith(run + "-"));
    }

    private int removeWhere(Predicate<Map<String, String>> which) {
        int n = 0;
        List<Cri.PodSandbox> all = deadline().listPodSandbox(Cri.ListPodSandboxRequest.getDefaultInstance())
                .getItemsList();
        for (Cri.PodSandbox s : all) {
            if (which.test(s.getLabelsMap())) {
                remove(s.getId());
                n++;
            }
        }
        return n;
    }

    /** Removes every pod made here and not removed yet. */
    @Override
    public void close() {
        for (String id : List.copyOf(pods.keySet())) {
            try {
                remove(id);
            } catch (RuntimeException e) {
                System.err.println("raw-cri: could not remove sandbox " + id + ": " + e);
            }
        }
    }

    private RuntimeServiceGrpc.RuntimeServiceBlockingStub deadline() {
        return cri.withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("raw-cri: could not delete " + dir + ": " + e);
        }
    }
}
