package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * One agent on real Docker for each test, with a node name and a manifest directory of its own, and everything it
 * left behind removed afterwards.
 */
abstract class OneAgentOnDocker {
    static final String SLEEP = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";

    final DockerObserver docker = new DockerObserver();
    final String node = nodePrefix() + "-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    AgentProcess agent;

    /** The start of this class's node names, to tell its containers from others'. */
    abstract String nodePrefix();

    @BeforeEach
    void startAgent() throws IOException {
        ItEnvironment.requireDocker();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
        agent = AgentProcess.start(manifests, node, Files.createDirectories(tmp.resolve("root")));
    }

    @AfterEach
    void removeEverything() throws InterruptedException, IOException {
        if (agent != null) {
            agent.close();
        }
        docker.removeAll(node);
        // in-memory emptyDir volumes are tmpfs mounts the killed agent could not take down
        for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
            String[] f = line.split(" ");
            if (f.length > 1 && f[1].startsWith(tmp.toString())) {
                new ProcessBuilder("umount", f[1]).inheritIO().start().waitFor();
            }
        }
    }

    /** Writes a manifest atomically, IMAGE and SLEEP replaced by the local busybox and a TERM-trapping sleep. */
    void write(String name, String yaml) throws IOException {
        Path t = manifests.resolve("." + name + ".tmp");
        Files.writeString(t, yaml.replace("IMAGE", ItEnvironment.BUSYBOX).replace("SLEEP", SLEEP));
        Files.move(t, manifests.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    Seen awaitRunning(String pod, String container) {
        await().atMost(Duration.ofSeconds(30)).until(() -> docker.running(node, pod + "-" + node, container).size() == 1);
        return docker.running(node, pod + "-" + node, container).get(0);
    }
}
