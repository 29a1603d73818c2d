package io.staticpod.it;

import io.staticpod.runtime.ctr.CtrPodRuntime;
import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.exec.ProcessCommandRunner;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.RuntimeSnapshot;
import io.staticpod.runtime.spi.Sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A container runtime of the test's own (a second dockerd, or a second containerd), with its own socket, root and
 * state directories under {@code /tmp}, so that a test may stop and start it while the shared ones keep serving the
 * other tests. The test images are copied in from the shared Docker engine. {@link #close()} removes every
 * container, stops it, unmounts whatever it left mounted and deletes its directories.
 */
abstract class PrivateRuntime implements AutoCloseable {
    /** The programs a runtime of the test's own may have running (never the agent, whose flags name it too). */
    private static final Set<String> ENGINE_PROGRAMS = Set.of("dockerd", "containerd", "containerd-shim-runc-v2",
            "runc", "libnetwork-setkey", "docker", "ctr");

    final Path dir;
    private final String what;
    private Process process;

    PrivateRuntime(String prefix, String what) throws IOException {
        this.dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
        this.what = what;
    }

    /** The runtime's name as the agent reports it. */
    abstract String name();

    /** The command line that runs it in the foreground. */
    abstract List<String> command();

    /** The agent's environment and flags that point it at this runtime: no environment of its own by default. */
    Map<String, String> agentEnv() {
        return Map.of();
    }

    abstract List<String> agentArgs();

    /** Our own adapter on this runtime, as an observer. */
    abstract ContainerRuntime client();

    /** Copies the test images in (after the first start). */
    abstract void loadImages() throws Exception;

    /** Starts it and waits until it answers. */
    void start() {
        try {
            process = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("daemon.log").toFile())).start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .alias(what + " answers (log: " + dir.resolve("daemon.log") + ")").until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError(what + " exited: " + tail());
                    }
                    client().version();
                    return true;
                });
    }

    /** SIGTERM, as {@code systemctl stop} does, and waits for the exit. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.toHandle().destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Kills it and every process of it (its containerd, shims, runc, hooks: the programs whose command line names this
     * runtime's directory) at once, as a crash would, and starts it again; the new one finds the dead shims and
     * removes their containers. For an engine stuck in a deadlock of its own ({@link #wedged}).
     */
    void restartKilled() throws InterruptedException {
        killProcessesOfIt();
        if (process != null) {
            process.toHandle().destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        killProcessesOfIt(); // and the shims it started meanwhile
        start();
    }

    /**
     * Kills its processes until none is left and every one killed is gone: a dockerd started while its old containerd
     * is still alive (or not yet reaped) takes it for running and waits for it in vain.
     */
    private void killProcessesOfIt() {
        String mark = dir.toString();
        Set<ProcessHandle> killed = new HashSet<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<ProcessHandle> left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().map(c -> ENGINE_PROGRAMS.contains(
                            Path.of(c).getFileName().toString())).orElse(false))
                    .filter(p -> p.info().commandLine().map(c -> c.contains(mark)).orElse(false))
                    .toList();
            left.forEach(ProcessHandle::destroyForcibly);
            killed.addAll(left);
            return left.isEmpty() && killed.stream().noneMatch(ProcessHandle::isAlive);
        });
    }

    /** Whether it answers some calls but hangs in others for good (a deadlock of its own); false unless known. */
    boolean wedged() {
        return false;
    }

    /** Every container (running or not) the agent for {@code node} owns here. */
    List<RuntimeObserver.Seen> all(String node) {
        return SpiObserver.all(client(), node);
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("daemon.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws Exception {
        try {
            if (process != null && process.isAlive()) {
                if (wedged()) {
                    restartKilled(); // else every call of the clean-up waits for its deadline
                }
                SpiObserver.removeAll(client(), Map.of());
            }
            client().close();
        } finally {
            stop();
            unmountUnder(dir);
            afterStop();
            deleteTree(dir);
        }
    }

    /** What else goes with it once stopped. */
    void afterStop() throws Exception {
    }

    static void unmountUnder(Path dir) throws IOException, InterruptedException {
        List<String> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String mountPoint = line.split(" ")[4];
            if (mountPoint.startsWith(dir.toString() + "/")) {
                mounts.add(mountPoint);
            }
        }
        mounts.sort(Comparator.reverseOrder());
        for (String m : mounts) {
            run("umount", "-l", m);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        }
    }

    /** Runs a command; returns its output; fails on a non-zero exit. */
    static String run(String... argv) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
        }
        return out;
    }

    /** A second dockerd on a bridge of its own, without iptables rules (nothing it does touches docker0). */
    static final class Dockerd extends PrivateRuntime {
        private final String bridge = "spabr" + UUID.randomUUID().toString().substring(0, 8);
        private final DockerApiRuntime client;

        Dockerd() throws IOException, InterruptedException {
            super("spa-dockerd-", "the test's own dockerd");
            // never --bridge=none: a dockerd without a bridge deletes docker0, the shared engine's bridge
            int subnet = 100 + new java.util.Random().nextInt(150);
            run("ip", "link", "add", bridge, "type", "bridge");
            run("ip", "addr", "add", "10.213." + subnet + ".1/24", "dev", bridge);
            run("ip", "link", "set", bridge, "up");
            this.client = DockerApiRuntime.connect("unix://" + dir.resolve("docker.sock"), Duration.ofSeconds(30),
                    ItEnvironment.PAUSE);
        }

        @Override
        String name() {
            return "docker";
        }

        @Override
        List<String> command() {
            return List.of("dockerd", "-H", "unix://" + dir.resolve("docker.sock"),
                    "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
                    "--pidfile", dir.resolve("docker.pid").toString(), "--bridge", bridge,
                    "--iptables=false", "--ip-masq=false", "--live-restore=false");
        }

        @Override
        List<String> agentArgs() {
            return List.of("--container-runtime-endpoint", "unix://" + dir.resolve("docker.sock"));
        }

        /**
         * Docker 20.10's libnetwork deadlock (moby/moby#46661): the engine still lists its containers, but the
         * inspect of some of them (and every call that needs them) never answers.
         */
        @Override
        boolean wedged() {
            DockerApiRuntime probe = DockerApiRuntime.connect("unix://" + dir.resolve("docker.sock"),
                    Duration.ofSeconds(5), ItEnvironment.PAUSE);
            try {
                RuntimeSnapshot all = probe.snapshot(Map.of());
                for (ContainerSummary c : all.containers()) {
                    if (hangs(() -> probe.containers().status(c.id()))) {
                        return true;
                    }
                }
                for (Sandbox b : all.sandboxes()) {
                    if (hangs(() -> probe.sandboxes().status(b.id()))) {
                        return true;
                    }
                }
                return false;
            } catch (RuntimeException e) {
                return false; // it does not even list: down, not this deadlock
            } finally {
                probe.close();
            }
        }

        private static boolean hangs(Runnable call) {
            try {
                call.run();
                return false;
            } catch (RuntimeError.TimedOut e) {
                return true;
            } catch (RuntimeException e) {
                return false; // gone meanwhile
            }
        }

        @Override
        ContainerRuntime client() {
            return client;
        }

        @Override
        void loadImages() throws Exception {
            run("sh", "-c", "docker save " + ItEnvironment.BUSYBOX + " " + ItEnvironment.PAUSE
                    + " | docker -H unix://" + dir.resolve("docker.sock") + " load");
        }

        @Override
        void afterStop() throws Exception {
            run("ip", "link", "del", bridge);
        }
    }

    /**
     * A second containerd, run with the {@code config.toml} its subclass writes in {@link #dir} and serving on
     * {@link #socket()} there; the test images go into {@code namespace}.
     */
    abstract static class OwnContainerd extends PrivateRuntime {
        private final String namespace;

        OwnContainerd(String prefix, String what, String namespace) throws IOException {
            super(prefix, what);
            this.namespace = namespace;
        }

        String socket() {
            return dir.resolve("containerd.sock").toString();
        }

        @Override
        String name() {
            return "containerd";
        }

        @Override
        List<String> command() {
            return List.of("containerd", "--config", dir.resolve("config.toml").toString());
        }

        @Override
        void loadImages() throws Exception {
            run("sh", "-c", "docker save " + ItEnvironment.BUSYBOX + " " + ItEnvironment.PAUSE + " | ctr --address "
                    + socket() + " --namespace " + namespace + " images import -");
        }
    }

    /** A second containerd for the ctr adapter, its CRI plugin disabled (the tests' shared one has it: scripts/lib.sh). */
    static final class Containerd extends OwnContainerd {
        private final CtrPodRuntime client;

        Containerd() throws IOException {
            super("spa-ctrd-", "the test's own containerd", CtrPodRuntime.DEFAULT_NAMESPACE);
            Files.writeString(dir.resolve("config.toml"), """
                    version = 2
                    root = "%1$s/root"
                    state = "%1$s/state"
                    disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", \
                    "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", \
                    "io.containerd.snapshotter.v1.zfs"]
                    [grpc]
                      address = "%1$s/containerd.sock"
                    [ttrpc]
                      address = "%1$s/containerd.sock.ttrpc"
                    [debug]
                      address = ""
                    [metrics]
                      address = ""
                    """.formatted(dir));
            this.client = CtrPodRuntime.create("unix://" + socket(), CtrPodRuntime.DEFAULT_NAMESPACE,
                    ItEnvironment.PAUSE, CtrPodRuntime.DEFAULT_LOG_DIR, new ProcessCommandRunner());
        }

        @Override
        List<String> agentArgs() {
            return List.of("--runtime", "ctr", "--container-runtime-endpoint", "unix://" + socket());
        }

        @Override
        ContainerRuntime client() {
            return client;
        }
    }
}
