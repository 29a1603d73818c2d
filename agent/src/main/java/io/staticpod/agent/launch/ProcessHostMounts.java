package io.staticpod.agent.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host's mounts through {@code mount -t tmpfs} and {@code umount} processes (the agent runs as root, as the
 * kubelet), and {@code /proc/mounts} for what is mounted. A process that has not finished within 30 s is a failure.
 */
public final class ProcessHostMounts implements HostMounts {
    private static final long TIMEOUT_SECONDS = 30;

    @Override
    public boolean mounted(Path path) {
        try {
            String target = " " + path.toAbsolutePath() + " ";
            return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.contains(target));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void mountTmpfs(Path path, Long sizeBytes) throws IOException {
        List<String> argv = new ArrayList<>(List.of("mount", "-t", "tmpfs"));
        if (sizeBytes != null) {
            argv.add("-o");
            argv.add("size=" + sizeBytes);
        }
        argv.add("tmpfs");
        argv.add(path.toString());
        run(argv);
    }

    @Override
    public void unmount(Path path) throws IOException {
        run(List.of("umount", path.toString()));
    }

    private static void run(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", argv) + ": no answer within " + TIMEOUT_SECONDS + "s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", argv) + ": exit " + p.exitValue() + ": " + out.strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", argv) + ": interrupted");
        }
    }
}
