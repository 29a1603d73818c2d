package io.staticpod.agent.nodeapi;

import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Static pods whose containers run in a {@link FakeContainerRuntime}, with the statuses the agent would report. */
final class FakePods implements StaticPods {
    static final String NODE = "node-1";
    static final String IMAGE = "static-pod-agent.local/busybox:1.35";

    final FakeContainerRuntime runtime;
    private final Map<String, StaticPodView> pods = new ConcurrentHashMap<>();

    FakePods(FakeContainerRuntime runtime) {
        this.runtime = runtime;
        runtime.addImage(IMAGE);
    }

    /** A static pod {@code <name>-node-1} in {@code namespace} with containers of these names, none started. */
    static StaticPod staticPod(String namespace, String name, String... containers) {
        StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata: {name: " + name
                + ", namespace: " + namespace + "}\nspec:\n  containers:\n");
        for (String c : containers) {
            yaml.append("  - {name: ").append(c).append(", image: ").append(IMAGE).append("}\n");
        }
        ParseResult r = new ManifestReader(NODE).parse(Path.of("/etc/kubernetes/manifests/" + name + ".yaml"),
                yaml.toString().getBytes(StandardCharsets.UTF_8));
        return ((ParseResult.Parsed) r).pod();
    }

    /** Adds the pod; each container gets a running instance in the fake runtime. Returns the container ids. */
    List<String> run(StaticPod pod) {
        SandboxConfig sandbox = new SandboxConfig(new SandboxMetadata(pod.key().name(), pod.key().namespace(),
                pod.uid(), 0), null, null, null, null, null, null, null, null, false);
        String sandboxId = runtime.sandboxes().run(sandbox);
        List<String> ids = new ArrayList<>();
        List<PodStatus.ContainerStatus> statuses = new ArrayList<>();
        for (var c : pod.pod().spec().containers()) {
            String id = runtime.containers().create(sandboxId, ContainerConfig.builder(c.name(), 0, IMAGE).build(),
                    sandbox);
            runtime.containers().start(id);
            ids.add(id);
            statuses.add(new PodStatus.ContainerStatus(c.name(), IMAGE, null, "fake://" + id,
                    new PodStatus.Running(Instant.parse("2024-05-01T10:00:00Z")), null, true, true, 0));
        }
        put(pod, new PodStatus(pod.uid(), PodStatus.Phase.Running, Instant.parse("2024-05-01T10:00:00Z"), null,
                List.of(), statuses, null));
        return ids;
    }

    void put(StaticPod pod, PodStatus status) {
        pods.put(pod.key().namespace() + "/" + pod.key().name(), new StaticPodView(pod, status));
    }

    @Override
    public List<StaticPodView> list() {
        return pods.values().stream().sorted(Comparator.comparing(v -> v.pod().key())).toList();
    }

    @Override
    public Optional<StaticPodView> find(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }
}
