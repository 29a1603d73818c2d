package io.staticpod.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * A test of one agent on real Docker, with a node name and a manifest directory of its own: the test starts the agent
 * ({@link #startAgent}) with the flags it needs, and everything the agent left behind is removed afterwards. A
 * subclass's {@code @AfterEach} runs before this one's: one that must close the agent before something else does so
 * itself (closing it again does nothing).
 */
abstract class DockerAgentTestBase {
    final DockerObserver docker = new DockerObserver();
    final String node = nodePrefix() + "-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    Path manifests;
    AgentProcess agent;

    /** The start of this class's node names, to tell its containers from others'. */
    abstract String nodePrefix();

    @BeforeEach
    void makeManifestDirectory() throws IOException {
        ItEnvironment.requireDocker();
        manifests = Files.createDirectories(tmp.resolve("manifests"));
    }

    /** Starts the agent on {@link #manifests}, its root directory in {@link #tmp}, with these flags. */
    AgentProcess startAgent(String... flags) throws IOException {
        agent = AgentProcess.start(manifests, node, Files.createDirectories(tmp.resolve("root")), flags);
        return agent;
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
}
