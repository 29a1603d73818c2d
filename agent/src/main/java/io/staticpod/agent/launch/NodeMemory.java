package io.staticpod.agent.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The node's memory, as the kubelet reports its capacity: {@code MemTotal} of {@code /proc/meminfo}. */
public final class NodeMemory {
    private NodeMemory() {
    }

    public static long totalBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or unreadable: the JVM's view below
        }
        return Runtime.getRuntime().maxMemory();
    }
}
