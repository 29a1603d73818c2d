package io.staticpod.it.controlplane;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The agent's jar run as a real process for the control plane test (as {@code io.staticpod.it.AgentProcess}, which
 * is package-private there): its output is printed with a prefix, kept for assertions and written to a file.
 */
final class ControlPlaneAgent implements AutoCloseable {
    static final String PAUSE = System.getProperty("spa.pause.image", "static-pod-agent.local/pause:1.0");

    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private ControlPlaneAgent(Process process, String node, Path logFile) throws IOException {
        this.process = process;
        BufferedWriter file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
        this.reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)); file) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    System.out.println("[agent " + node + "] " + line);
                    file.write(line);
                    file.newLine();
                    file.flush();
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "agent-log-" + node);
        reader.setDaemon(true);
        reader.start();
    }

    static ControlPlaneAgent start(Path jar, Path manifests, String node, Path rootDir, Path logFile,
                                   String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar.toAbsolutePath().toString(),
                "--pod-manifest-path", manifests.toString(),
                "--hostname-override", node,
                "--pod-infra-container-image", PAUSE,
                "--root-dir", rootDir.toString(),
                "--file-check-frequency", "2s"));
        cmd.addAll(List.of(extra));
        if (cmd.stream().noneMatch(a -> a.equals("--port") || a.startsWith("--port="))) {
            cmd.addAll(List.of("--port", "0")); // the node API off: agents of parallel tests never collide on 10250
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        return new ControlPlaneAgent(p, node, logFile);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The lines containing any of {@code parts}, at most {@code max} of the last ones. */
    String grep(int max, String... parts) {
        List<String> hits = lines.stream().filter(l -> {
            for (String p : parts) {
                if (l.contains(p)) {
                    return true;
                }
            }
            return false;
        }).toList();
        return String.join("\n", hits.subList(Math.max(0, hits.size() - max), hits.size()));
    }

    String tail(int n) {
        List<String> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - n), all.size()));
    }

    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
        reader.join(5_000);
    }
}
