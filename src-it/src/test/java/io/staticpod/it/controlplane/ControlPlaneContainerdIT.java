package io.staticpod.it.controlplane;

import io.staticpod.runtime.ContainerInfo;
import io.staticpod.runtime.ImageResult;
import io.staticpod.runtime.PullPolicy;
import io.staticpod.runtime.containerd.CtrRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;

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
 * {@code --runtime containerd}; containers are listed through {@link CtrRuntime} (ctr shows the agent's names and
 * labels only through it) and killed with {@code ctr tasks kill -s SIGKILL}.
 */
class ControlPlaneContainerdIT extends ControlPlaneTests {
    static final String ADDRESS = setting("spa.containerd.address", "SPA_CONTAINERD_SOCKET",
            "/run/static-pod-agent-test/containerd/containerd.sock");
    /** The agent's namespace: it has no flag for another one. */
    static final String NAMESPACE = CtrRuntime.DEFAULT_NAMESPACE;
    /** Where the agent's containerd adapter writes container output. */
    static final Path LOG_DIR = CtrRuntime.DEFAULT_LOG_DIR;

    private final CtrRuntime ctr = new CtrRuntime(new ProcessCommandRunner(), "unix://" + ADDRESS, NAMESPACE, LOG_DIR);

    @Override
    String runtime() {
        return "containerd";
    }

    @Override
    List<String> runtimeArgs() {
        return List.of("--runtime", "containerd", "--container-runtime-endpoint", "unix://" + ADDRESS);
    }

    @Override
    List<String> missingOnRuntime(List<String> images) {
        try {
            ctr.version();
        } catch (RuntimeException e) {
            return List.of("a containerd answering at " + ADDRESS + " (" + e.getMessage().strip() + ")");
        }
        List<String> missing = new ArrayList<>();
        for (String image : images) {
            try {
                ImageResult have = ctr.ensureImage(image, PullPolicy.NEVER);
                // the images come from Docker: one rebuilt there and not imported again would test old binaries
                Cmd docker = Cmd.run("docker", "image", "inspect", "--format", "{{.Id}}", image);
                if (docker.ok() && have.imageId() != null && !docker.output().strip().equals(have.imageId())) {
                    missing.add("the image " + image + " as Docker has it (containerd namespace " + NAMESPACE
                            + " holds " + have.imageId() + ", Docker " + docker.output().strip() + ")");
                }
            } catch (RuntimeException e) {
                missing.add("the image " + image + " in containerd namespace " + NAMESPACE);
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
        return ctr.list(Map.of(OWNER, node, "io.kubernetes.pod.name", component + "-" + node,
                        "io.kubernetes.container.name", component)).stream()
                .filter(ContainerInfo::running).map(ContainerInfo::id).toList();
    }

    @Override
    void kill(String id) {
        Cmd.run("ctr", "-a", ADDRESS, "-n", NAMESPACE, "tasks", "kill", "-s", "SIGKILL", id).orFail();
    }

    @Override
    void removeAll(String node) {
        for (ContainerInfo c : ctr.list(Map.of(OWNER, node))) {
            try {
                if (c.running()) {
                    ctr.stop(c.id(), Duration.ZERO);
                }
                ctr.remove(c.id());
            } catch (RuntimeException e) {
                System.out.println("[control-plane] removing " + c.name() + " (" + c.id() + "): " + e.getMessage());
            }
        }
    }

    @Override
    String containers(String node, List<String> components) {
        StringBuilder b = new StringBuilder("--- containerd containers (node ").append(node).append(", namespace ")
                .append(NAMESPACE).append(")\n");
        List<ContainerInfo> all = ctr.list(Map.of(OWNER, node)); // newest first
        for (ContainerInfo c : all) {
            b.append(c.id(), 0, 12).append(' ').append(c.name()).append(' ').append(c.state())
                    .append(c.state() == ContainerInfo.State.EXITED ? " (" + c.exitCode() + ")" : "")
                    .append(c.error() == null ? "" : " " + c.error()).append('\n');
        }
        for (String component : components) {
            all.stream().filter(c -> component.equals(c.labels().get("io.kubernetes.container.name"))).findFirst()
                    .ifPresent(c -> b.append("--- ").append(LOG_DIR.resolve(c.id() + ".log")).append(" of ")
                            .append(component).append(", last 15 lines\n").append(tail(LOG_DIR.resolve(c.id() + ".log"), 15)));
        }
        return b.toString();
    }

    private static String tail(Path file, int n) {
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of("(no log file)");
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())) + "\n";
        } catch (IOException | RuntimeException e) {
            return "(cannot read: " + e.getMessage() + ")\n";
        }
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
