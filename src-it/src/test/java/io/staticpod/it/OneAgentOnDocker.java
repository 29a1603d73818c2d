package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * One agent on real Docker for each test, started with its default flags, with a node name and a manifest directory
 * of its own, and everything it left behind removed afterwards.
 */
abstract class OneAgentOnDocker extends DockerAgentTestBase {
    static final String SLEEP = "trap 'exit 0' TERM; while true; do sleep 3600 & wait $!; done";

    @BeforeEach
    void startDefaultAgent() throws IOException {
        startAgent();
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
