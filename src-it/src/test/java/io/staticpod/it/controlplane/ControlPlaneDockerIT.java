package io.staticpod.it.controlplane;

import io.staticpod.it.Cmd;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The control plane test on Docker, the agent's default runtime, seen and driven through the docker CLI. */
class ControlPlaneDockerIT extends ControlPlaneTests {

    @Override
    String runtime() {
        return "docker";
    }

    @Override
    List<String> runtimeArgs() {
        return List.of();
    }

    @Override
    List<String> missingOnRuntime(List<String> images) {
        List<String> missing = new ArrayList<>();
        for (String image : images) {
            Cmd c = Cmd.run("docker", "image", "inspect", "--format", "{{.Id}}", image);
            if (!c.ok()) {
                missing.add("the image " + image
                        + (c.output().contains("No such image") ? "" : " (" + c.output().strip() + ")"));
            }
        }
        return missing;
    }

    @Override
    String runtimeHint() {
        return HINT + " (the pause image: scripts/test)";
    }

    @Override
    List<String> runningContainers(String node, String component) {
        String out = Cmd.run("docker", "ps", "-q", "--no-trunc",
                "--filter", "label=" + OWNER + "=" + node,
                "--filter", "label=io.kubernetes.pod.name=" + component + "-" + node,
                "--filter", "label=io.kubernetes.container.name=" + component).orFail().trim();
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    @Override
    void kill(String id) {
        Cmd.run("docker", "kill", id).orFail();
    }

    @Override
    void removeAll(String node) {
        String ids = Cmd.run("docker", "ps", "-aq", "--filter", "label=" + OWNER + "=" + node).output().trim();
        if (!ids.isEmpty()) {
            List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f", "-v"));
            rm.addAll(List.of(ids.split("\\s+")));
            Cmd r = Cmd.run(Duration.ofMinutes(2), rm);
            if (!r.ok()) {
                System.out.println("[control-plane] docker rm: " + r.output());
            }
        }
    }

    @Override
    String containers(String node, List<String> components) {
        StringBuilder b = new StringBuilder();
        b.append("--- docker ps -a (node ").append(node).append(")\n").append(Cmd.run("docker", "ps", "-a",
                "--filter", "label=" + OWNER + "=" + node, "--format",
                "{{.ID}} {{.Names}} {{.Status}}").output());
        for (String c : components) {
            String id = Cmd.run("docker", "ps", "-aq", "-n", "1",
                    "--filter", "label=" + OWNER + "=" + node,
                    "--filter", "label=io.kubernetes.container.name=" + c).output().trim();
            if (!id.isEmpty()) {
                b.append("--- docker logs --tail 15 ").append(c).append(" (").append(id).append(")\n")
                        .append(Cmd.run("docker", "logs", "--tail", "15", id).output());
            }
        }
        return b.toString();
    }
}
