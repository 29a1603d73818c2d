package io.staticpod.runtime.cri;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The raw CRI baseline of the benchmark: {@code RunPodSandbox}, {@code CreateContainer} and {@code StartContainer}
 * issued directly over the runtime's socket, with nothing of the agent in between (no version check, no leftover
 * handling, no adapter), timed from the first request to the answer of the last, once per run; the pod is stopped
 * and removed after each run, outside the timing. Prints one line per run and a summary:
 * <pre>
 * raw-cri warmup ms=2916.5
 * raw-cri run=1 ms=812.4
 * ...
 * raw-cri runs=5 median_ms=640.2 min_ms=611.0 max_ms=812.4
 * </pre>
 * Arguments (all optional): {@code --endpoint unix:///run/containerd/containerd.sock}, {@code --image
 * static-pod-agent.local/busybox:1.35} (present in the runtime's CRI image store, k8s.io on containerd),
 * {@code --runs 5}, {@code --warmup 1} (runs first, not counted: the JVM's and the runtime's first-call costs),
 * {@code --log-root /var/log/static-pod-agent-bench/pods}, {@code --host-network} (no CNI).
 * The sandbox is a pod-network sandbox with a log directory, and the container runs
 * {@code sh -c 'trap "exit 0" TERM; sleep 1000 & wait'} with a log path, as the agent's pods do.
 * Run it with {@code bench/raw-cri-baseline [ARGS]}.
 */
public final class RawCriBaseline {
    private RawCriBaseline() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = arg(args, "--endpoint", CriSettings.DEFAULT_ENDPOINT);
        String image = arg(args, "--image", "static-pod-agent.local/busybox:1.35");
        int runs = Integer.parseInt(arg(args, "--runs", "5"));
        int warmups = Integer.parseInt(arg(args, "--warmup", "1"));
        Path logRoot = Path.of(arg(args, "--log-root", "/var/log/static-pod-agent-bench/pods"));
        boolean hostNetwork = Arrays.asList(args).contains("--host-network");
        ManagedChannel channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                .overrideAuthority("localhost").build();
        try {
            RuntimeServiceGrpc.RuntimeServiceBlockingStub cri = RuntimeServiceGrpc.newBlockingStub(channel);
            List<Double> millis = new ArrayList<>();
            for (int run = 1 - warmups; run <= runs; run++) {
                String uid = UUID.randomUUID().toString();
                String name = "raw-cri-" + uid.substring(0, 8);
                Path logDir = logRoot.resolve("bench_" + name + "_" + uid);
                Files.createDirectories(logDir);
                Cri.PodSandboxConfig sandbox = Cri.PodSandboxConfig.newBuilder()
                        .setMetadata(Cri.PodSandboxMetadata.newBuilder().setName(name).setNamespace("bench").setUid(uid))
                        .setHostname(hostNetwork ? "" : name).setLogDirectory(logDir.toString())
                        .putLabels("io.staticpod.bench", "raw-cri")
                        .setLinux(Cri.LinuxPodSandboxConfig.newBuilder().setSecurityContext(
                                Cri.LinuxSandboxSecurityContext.newBuilder().setNamespaceOptions(
                                        Cri.NamespaceOption.newBuilder()
                                                .setNetwork(hostNetwork ? Cri.NamespaceMode.NODE : Cri.NamespaceMode.POD)
                                                .setPid(Cri.NamespaceMode.CONTAINER))))
                        .build();
                Cri.ContainerConfig container = Cri.ContainerConfig.newBuilder()
                        .setMetadata(Cri.ContainerMetadata.newBuilder().setName("app"))
                        .setImage(Cri.ImageSpec.newBuilder().setImage(image))
                        .addAllCommand(List.of("sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait"))
                        .setLogPath("app/0.log")
                        .putLabels("io.staticpod.bench", "raw-cri")
                        .build();

                long start = System.nanoTime();
                String sandboxId = deadline(cri).runPodSandbox(Cri.RunPodSandboxRequest.newBuilder()
                        .setConfig(sandbox).build()).getPodSandboxId();
                String containerId = deadline(cri).createContainer(Cri.CreateContainerRequest.newBuilder()
                        .setPodSandboxId(sandboxId).setConfig(container).setSandboxConfig(sandbox).build())
                        .getContainerId();
                deadline(cri).startContainer(Cri.StartContainerRequest.newBuilder().setContainerId(containerId)
                        .build());
                double ms = (System.nanoTime() - start) / 1e6;
                if (run > 0) {
                    millis.add(ms);
                    System.out.printf("raw-cri run=%d ms=%.1f%n", run, ms);
                } else {
                    System.out.printf("raw-cri warmup ms=%.1f%n", ms);
                }

                deadline(cri).stopPodSandbox(Cri.StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId)
                        .build());
                deadline(cri).removePodSandbox(Cri.RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId)
                        .build());
                CriLogFiles.deleteWithRotated(logDir.resolve("app/0.log").toString());
                Files.deleteIfExists(logDir);
            }
            List<Double> sorted = millis.stream().sorted().toList();
            double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                    : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
            System.out.printf("raw-cri runs=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f%n", runs, median,
                    sorted.get(0), sorted.get(sorted.size() - 1));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static RuntimeServiceGrpc.RuntimeServiceBlockingStub deadline(
            RuntimeServiceGrpc.RuntimeServiceBlockingStub cri) {
        return cri.withDeadlineAfter(2, TimeUnit.MINUTES);
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
