package io.staticpod.it.controlplane;

import io.staticpod.it.Cmd;
import io.staticpod.runtime.cri.CriRuntime;
import io.staticpod.runtime.cri.CriSettings;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.ImageInfo;
import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control plane test on the tests' own containerd ({@code scripts/lib.sh}: {@code ensure_containerd}, with the
 * four control plane images imported by {@code ensure_control_plane_images_containerd}). The agent runs with
 * {@code --runtime cri} on that containerd's CRI plugin, as a kubeadm node's kubelet does; containers are listed
 * through our CRI adapter and killed with {@code ctr -n k8s.io tasks kill -s SIGKILL}.
 */
class ControlPlaneContainerdIT extends ControlPlaneTests {
    static final String ADDRESS = setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    /** Where containerd's CRI plugin keeps everything. */
    static final String NAMESPACE = "k8s.io";

    private final ContainerRuntime cri = CriRuntime.connect(CriSettings.of("unix://" + ADDRESS));

    @Override
    String runtime() {
        return "containerd";
    }

    @Override
    List<String> runtimeArgs() {
        return List.of("--runtime", "cri", "--container-runtime-endpoint", "unix://" + ADDRESS, "--port", "0");
    }

    @Override
    List<String> missingOnRuntime(List<String> images) {
        try {
            cri.version();
        } catch (RuntimeException e) {
            return List.of("a containerd answering at " + ADDRESS + " (" + e.getMessage().strip() + ")");
        }
        List<String> missing = new ArrayList<>();
        for (String image : images) {
            java.util.Optional<ImageInfo> have = cri.images().status(image);
            if (have.isEmpty()) {
                missing.add("the image " + image + " in containerd namespace " + NAMESPACE);
                continue;
            }
            // the images come from Docker: one rebuilt there and not imported again would test old binaries
            Cmd docker = Cmd.run("docker", "image", "inspect", "--format", "{{.Id}}", image);
            if (docker.ok() && !docker.output().strip().equals(have.get().id())) {
                missing.add("the image " + image + " as Docker has it (containerd namespace " + NAMESPACE
                        + " holds " + have.get().id() + ", Docker " + docker.output().strip() + ")");
            }
        }
        return missing;
    }

    @Override
    String runtimeHint() {
        return "scripts/test starts the tests' containerd and imports the images into it from Docker; or, as root "
                + "(after scripts/control-plane-images): `. scripts/lib.sh; ensure_containerd; "
                + "ensure_control_plane_images_containerd`";
    }

    @Override
    List<String> runningContainers(String node, String component) {
        return cri.containers().list(Map.of(OWNER, node, "io.kubernetes.pod.name", component + "-" + node,
                        "io.kubernetes.container.name", component)).stream()
                .filter(ContainerSummary::running).map(ContainerSummary::id).toList();
    }

    @Override
    void kill(String id) {
        Cmd.run("ctr", "-a", ADDRESS, "-n", NAMESPACE, "tasks", "kill", "-s", "SIGKILL", id).orFail();
    }

    @Override
    void removeAll(String node) {
        RuntimeSnapshot all = cri.snapshot(Map.of(OWNER, node));
        for (ContainerSummary c : all.containers()) {
            try {
                cri.containers().stop(c.id(), Duration.ZERO);
                cri.containers().remove(c.id());
            } catch (RuntimeException e) {
                System.out.println("[control-plane] removing " + c.name() + " (" + c.id() + "): " + e.getMessage());
            }
        }
        for (Sandbox b : all.sandboxes()) {
            try {
                cri.sandboxes().stop(b.id());
                cri.sandboxes().remove(b.id());
            } catch (RuntimeException e) {
                System.out.println("[control-plane] removing sandbox " + b.id() + ": " + e.getMessage());
            }
        }
    }

    @Override
    String containers(String node, List<String> components) {
        StringBuilder b = new StringBuilder("--- containerd containers (node ").append(node).append(", namespace ")
                .append(NAMESPACE).append(")\n");
        List<ContainerSummary> all = cri.containers().list(Map.of(OWNER, node));
        for (ContainerSummary c : all) {
            ContainerStatus s = cri.containers().status(c.id()).orElse(null);
            b.append(c.id(), 0, 12).append(' ').append(c.name()).append('#').append(c.attempt()).append(' ')
                    .append(c.state())
                    .append(s != null && s.state() == ContainerState.EXITED ? " (" + s.exitCode() + ")" : "")
                    .append(s == null || s.message() == null ? "" : " " + s.message()).append('\n');
        }
        for (String component : components) {
            all.stream().filter(c -> component.equals(c.name())).findFirst()
                    .ifPresent(c -> b.append("--- output of ").append(component).append(" (").append(c.id(), 0, 12)
                            .append("), last 15 lines\n").append(tail(c.id(), 15)));
        }
        return b.toString();
    }

    private String tail(String id, int n) {
        List<String> lines = new ArrayList<>();
        try (LogReader r = cri.logs().orElseThrow().open(id, new LogOptions(false, n, null))) {
            for (LogReader.LogLine l = r.next(); l != null; l = r.next()) {
                lines.add(new String(l.bytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException | RuntimeException e) {
            lines.add("(cannot read: " + e.getMessage() + ")");
        }
        return String.join("\n", lines) + "\n";
    }

    private static String setting(String property, String env, String otherwise) {
        String p = System.getProperty(property);
        if (p != null && !p.isBlank()) {
            return p;
        }
        String e = System.getenv(env);
        return e != null && !e.isBlank() ? e : otherwise;
    }
}
