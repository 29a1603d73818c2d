package io.staticpod.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The agent's fat jar run as a real process, with its log lines kept for assertions. Its node API is off
 * ({@code --port 0}) unless the test names a {@code --port}: agents of tests running at the same time never collide
 * on port 10250.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String node;
    private final Thread reader;

    private AgentProcess(Process process, String node) {
        this.process = process;
        this.node = node;
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    System.out.println("[agent " + node + "] " + line);
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "agent-log-" + node);
        reader.setDaemon(true);
        reader.start();
    }

    static AgentProcess start(Path manifests, String node, Path rootDir, String... extra) throws IOException {
        return start(List.of(), java.util.Map.of(), manifests, node, rootDir, extra);
    }

    /** As {@link #start(Path, String, Path, String...)}, with {@code env} added to the agent's environment. */
    static AgentProcess start(java.util.Map<String, String> env, Path manifests, String node, Path rootDir,
                              String... extra) throws IOException {
        return start(List.of(), env, manifests, node, rootDir, extra);
    }

    /** @param wrapper a command the agent's java command line is appended to (e.g. {@code setpriv ...}) */
    static AgentProcess start(List<String> wrapper, Path manifests, String node, Path rootDir, String... extra)
            throws IOException {
        return start(wrapper, java.util.Map.of(), manifests, node, rootDir, extra);
    }

    private static AgentProcess start(List<String> wrapper, java.util.Map<String, String> env, Path manifests,
                                      String node, Path rootDir, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar",
                ItEnvironment.AGENT_JAR.toAbsolutePath().toString(),
                "--pod-manifest-path", manifests.toString(),
                "--hostname-override", node,
                "--pod-infra-container-image", ItEnvironment.PAUSE,
                "--root-dir", rootDir.toString(),
                "--file-check-frequency", "2s"));
        cmd.addAll(withoutNodeApiUnlessAsked(extra));
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        return new AgentProcess(p, node);
    }

    /** {@code extra}, and {@code --port 0} when it names no {@code --port}. */
    static List<String> withoutNodeApiUnlessAsked(String... extra) {
        List<String> args = new ArrayList<>(List.of(extra));
        if (args.stream().noneMatch(a -> a.equals("--port") || a.startsWith("--port="))) {
            args.addAll(List.of("--port", "0"));
        }
        return args;
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String log() {
        return String.join("\n", lines);
    }

    /** Waits until a log line contains every one of {@code parts}. */
    void awaitLog(Duration timeout, String... parts) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .alias("agent log line containing " + String.join(" & ", parts))
                .until(() -> lines.stream().anyMatch(l -> containsAll(l, parts)));
    }

    boolean hasLog(String... parts) {
        return lines.stream().anyMatch(l -> containsAll(l, parts));
    }

    private static boolean containsAll(String line, String... parts) {
        for (String p : parts) {
            if (!line.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /** SIGTERM, as systemd stops the service, and waits for the exit. */
    int stop() throws InterruptedException {
        process.toHandle().destroy(); // Process.destroy() would also close our end of its output pipe
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        int code = process.waitFor();
        reader.join(5_000); // the last lines are still in the pipe
        return code;
    }

    /** SIGKILL: the agent dies wherever it is. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The agent's process id, to send it a signal. */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
