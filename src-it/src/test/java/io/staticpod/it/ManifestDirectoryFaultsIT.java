package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Faults of the manifest directory itself, with one agent on real Docker: deleted and recreated, replaced by a
 * symbolic link, made unreadable, on a full disk; and the agent's root directory on a full disk. The agent re-lists
 * every 2 s, so a directory that disappears keeps its pods for 6 s (three re-lists).
 */
class ManifestDirectoryFaultsIT {
    static final String SLEEP = OneAgentOnDocker.SLEEP;
    /** A host-network pod (no sandbox: quick) whose one container runs {@code version}. */
    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s}
            spec:
              hostNetwork: true
              terminationGracePeriodSeconds: 2
              containers:
              - name: app
                image: %s
                command: [sh, -c, "%s"]
                env: [{name: VERSION, value: "%s"}]
            """;

    final DockerObserver docker = new DockerObserver();
    final String node = "dirfault-" + UUID.randomUUID().toString().substring(0, 8);
    @TempDir
    Path tmp;
    AgentProcess agent;
    final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void requireDocker() {
        ItEnvironment.requireDocker();
    }

    @AfterEach
    void removeEverything() throws Exception {
        if (agent != null) {
            agent.close();
        }
        docker.removeAll(node);
        for (Path m : mounts) {
            run("umount", m.toString());
        }
    }

    static String pod(String name, String version) {
        return POD.formatted(name, ItEnvironment.BUSYBOX, SLEEP, version);
    }

    static void write(Path dir, String file, String content) throws IOException {
        Path t = dir.resolve("." + file + ".tmp");
        Files.writeString(t, content);
        Files.move(t, dir.resolve(file), StandardCopyOption.ATOMIC_MOVE);
    }

    AgentProcess start(Path manifests, Path root, List<String> wrapper) throws IOException {
        agent = AgentProcess.start(wrapper, manifests, node, root);
        return agent;
    }

    AgentProcess start(Path manifests) throws IOException {
        return start(manifests, Files.createDirectories(tmp.resolve("root")), List.of());
    }

    /** The running app container of each pod, by pod name (without the node). */
    Map<String, Seen> running() {
        return docker.running(node).stream().filter(c -> !c.sandbox()).collect(Collectors.toMap(
                c -> c.label("io.kubernetes.pod.name").replace("-" + node, ""), c -> c, (a, b) -> {
                    throw new AssertionError("two running containers for " + a.label("io.kubernetes.pod.name"));
                }));
    }

    Map<String, String> runningIds() {
        return running().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().id()));
    }

    /** The VERSION of the container (null when it is gone already). */
    String version(Seen c) {
        try {
            String[] env = docker.inspect(c.id()).getConfig().getEnv();
            return env == null ? null : java.util.Arrays.stream(env).filter(e -> e.startsWith("VERSION="))
                    .map(e -> e.substring(8)).findFirst().orElse(null);
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return null;
        }
    }

    /** The VERSION of the pod's running container, from one look at the runtime (null when none runs). */
    String versionOf(String pod) {
        Seen c = running().get(pod);
        return c == null ? null : version(c);
    }

    Map<String, String> awaitRunning(String... pods) {
        await().atMost(Duration.ofSeconds(40)).until(() -> running().keySet().equals(java.util.Set.of(pods)));
        return runningIds();
    }

    /** The same containers keep running, untouched, for {@code period}. */
    void keepRunning(Map<String, String> ids, Duration period) {
        await().during(period).atMost(period.plusSeconds(5)).until(() -> runningIds().equals(ids));
    }

    Path tmpfs(String name, String size) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs-" + node, dir.toString());
        mounts.add(0, dir);
        return dir;
    }

    /** Writes {@code file} until the file system is full; returns the bytes written. */
    static long fill(Path file) {
        long written = 0;
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException e) {
            assertThat(e).hasMessageContaining("No space left on device");
        }
        return written;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    @Test
    void aDirectoryDeletedAndRecreatedWithinTheGraceKeepsEveryPodUntouched() throws Exception {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        write(manifests, "a.yaml", pod("a", "1"));
        write(manifests, "b.yaml", pod("b", "1"));
        start(manifests);
        Map<String, String> ids = awaitRunning("a", "b");

        run("rm", "-rf", manifests.toString());
        keepRunning(ids, Duration.ofSeconds(3)); // more than a re-list with the directory gone
        agent.awaitLog(Duration.ofSeconds(10), "Static pod path disappeared", "path=" + manifests);
        Files.createDirectories(manifests); // as a config-management tool puts it back
        write(manifests, "a.yaml", pod("a", "1"));
        write(manifests, "b.yaml", pod("b", "1"));
        agent.awaitLog(Duration.ofSeconds(10), "Static pod path is back", "path=" + manifests);

        keepRunning(ids, Duration.ofSeconds(5));
        assertThat(agent.log()).doesNotContain("Removing static pod");

        write(manifests, "a.yaml", pod("a", "2")); // and the recreated directory is watched
        await().atMost(Duration.ofSeconds(20)).until(() -> "2".equals(versionOf("a")));
        assertThat(runningIds().get("b")).isEqualTo(ids.get("b"));
    }

    @Test
    void aDirectoryGoneForLongerThanTheGraceLosesItsPodsAndTheyComeBackWithIt() throws Exception {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        write(manifests, "a.yaml", pod("a", "1"));
        write(manifests, "b.yaml", pod("b", "1"));
        start(manifests);
        Map<String, String> ids = awaitRunning("a", "b");

        run("rm", "-rf", manifests.toString());
        keepRunning(ids, Duration.ofSeconds(4));
        agent.awaitLog(Duration.ofSeconds(10), "Static pod path disappeared", "path=" + manifests);
        agent.awaitLog(Duration.ofSeconds(10), "still missing after PT6S; removing the static pods",
                "path=" + manifests);
        await().atMost(Duration.ofSeconds(30)).until(() -> running().isEmpty());

        Files.createDirectories(manifests);
        write(manifests, "a.yaml", pod("a", "1"));
        awaitRunning("a");
    }

    @Test
    void aSymbolicLinkSwitchedToAnotherDirectoryIsFollowed() throws Exception {
        Path release1 = Files.createDirectories(tmp.resolve("release-1"));
        write(release1, "a.yaml", pod("a", "1"));
        write(release1, "b.yaml", pod("b", "1"));
        Path current = Files.createSymbolicLink(tmp.resolve("current"), release1.getFileName());
        start(current);
        Map<String, String> ids = awaitRunning("a", "b");

        Path release2 = Files.createDirectories(tmp.resolve("release-2"));
        write(release2, "a.yaml", pod("a", "1"));
        write(release2, "c.yaml", pod("c", "1"));
        Files.createSymbolicLink(tmp.resolve("current.new"), release2.getFileName());
        run("mv", "-T", tmp.resolve("current.new").toString(), current.toString()); // atomic, as deploy tools do

        awaitRunning("a", "c");
        assertThat(runningIds().get("a")).as("a, the same in both releases, is not restarted").isEqualTo(ids.get("a"));
        run("rm", "-rf", release1.toString());
        write(release2, "c.yaml", pod("c", "2")); // the new target is watched
        await().atMost(Duration.ofSeconds(20)).until(() -> "2".equals(versionOf("c")));
        keepRunning(Map.of("a", ids.get("a"), "c", runningIds().get("c")), Duration.ofSeconds(3));
    }

    @Test
    void anUnreadableDirectoryOrManifestKeepsItsPodsRunningWithAnErrorNamingIt() throws Exception {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        write(manifests, "a.yaml", pod("a", "1"));
        write(manifests, "b.yaml", pod("b", "1"));
        // root without the capabilities that let it read whatever the permissions say
        start(manifests, Files.createDirectories(tmp.resolve("root")), List.of("setpriv",
                "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"));
        Map<String, String> ids = awaitRunning("a", "b");

        Files.setPosixFilePermissions(manifests, PosixFilePermissions.fromString("---------"));
        keepRunning(ids, Duration.ofSeconds(5));
        agent.awaitLog(Duration.ofSeconds(10), "Cannot read the static pod path", "path=" + manifests,
                "permission denied");
        Files.setPosixFilePermissions(manifests, PosixFilePermissions.fromString("rwxr-xr-x"));
        agent.awaitLog(Duration.ofSeconds(10), "Static pod path is readable again", "path=" + manifests);
        assertThat(agent.lines()).filteredOn(l -> l.contains("Cannot read the static pod path"))
                .as("said once, not at every re-list").hasSize(1);

        Path a = manifests.resolve("a.yaml");
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("---------"));
        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest; keeping the last good version",
                "file=" + a);
        assertThat(agent.lines()).contains("  " + a + ": cannot read the file: permission denied");
        keepRunning(ids, Duration.ofSeconds(5));
        Files.setPosixFilePermissions(a, PosixFilePermissions.fromString("rw-r--r--"));
        agent.awaitLog(Duration.ofSeconds(10), "Static pod manifest is valid again", "file=" + a);
        keepRunning(ids, Duration.ofSeconds(3));
    }

    @Test
    void aManifestEditCutShortByAFullDiskKeepsTheLastGoodVersion() throws Exception {
        Path manifests = Files.createDirectories(tmpfs("disk", "256k").resolve("manifests"));
        write(manifests, "a.yaml", pod("a", "1"));
        write(manifests, "b.yaml", pod("b", "1"));
        start(manifests);
        Map<String, String> ids = awaitRunning("a", "b");
        Path filler = manifests.getParent().resolve("filler");
        fill(filler);

        // the edit needs two pages; truncating a.yaml frees one: it is cut inside the quoted annotation
        String edit = pod("a", "2").replace("metadata: {name: a}",
                "metadata:\n  name: a\n  annotations: {note: \"" + "x".repeat(6000) + "\"}");
        assertThatThrownBy(() -> Files.writeString(manifests.resolve("a.yaml"), edit, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)).hasMessageContaining("No space left on device");
        assertThat(Files.size(manifests.resolve("a.yaml"))).isPositive().isLessThan(edit.length());

        Path a = manifests.resolve("a.yaml");
        agent.awaitLog(Duration.ofSeconds(10), "Invalid static pod manifest; keeping the last good version",
                "file=" + a);
        assertThat(agent.lines()).as("the error names the file and line")
                .anyMatch(l -> l.matches(".*" + java.util.regex.Pattern.quote(a.toString()) + ":\\d+: .*"));
        keepRunning(ids, Duration.ofSeconds(5));

        Files.delete(filler);
        write(manifests, "a.yaml", pod("a", "2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> "2".equals(versionOf("a")));
        assertThat(runningIds().get("b")).isEqualTo(ids.get("b"));
    }

    @Test
    void aNewPodOnAFullRootDirectoryFailsClearlyIsRetriedAndStartsOnceThereIsSpace() throws Exception {
        Path manifests = Files.createDirectories(tmp.resolve("manifests"));
        Path root = tmpfs("root", "256k");
        write(manifests, "a.yaml", pod("a", "1"));
        start(manifests, root, List.of());
        Map<String, String> ids = awaitRunning("a");
        Path filler = root.resolve("filler");
        fill(filler);

        write(manifests, "b.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: b, labels: {tier: test}}
                spec:
                  hostNetwork: true
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: app
                    image: %s
                    command: [sh, -c, "%s"]
                    volumeMounts: [{name: info, mountPath: /etc/podinfo}]
                  volumes:
                  - name: info
                    downwardAPI:
                      items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
                """.formatted(ItEnvironment.BUSYBOX, SLEEP));
        agent.awaitLog(Duration.ofSeconds(20), "cannot write downwardAPI files", "No space left on device");
        await().atMost(Duration.ofSeconds(20)).until(() -> agent.lines().stream()
                .filter(l -> l.contains("No space left on device")).count() >= 2); // retried
        assertThat(running()).doesNotContainKey("b");
        assertThat(runningIds()).isEqualTo(ids);

        Files.delete(filler);
        awaitRunning("a", "b");
        assertThat(runningIds().get("a")).isEqualTo(ids.get("a"));
    }
}
