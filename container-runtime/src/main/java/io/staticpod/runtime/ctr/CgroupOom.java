package io.staticpod.runtime.ctr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the kernel's OOM killer struck a task, read from its memory cgroup while the stopped task still exists
 * (deleting the task removes the cgroup). ctr puts a task in the cgroup {@code /<namespace>/<id>}: on cgroup v1 the
 * counter is {@code oom_kill} in {@code memory/<namespace>/<id>/memory.oom_control}, on v2 in
 * {@code <namespace>/<id>/memory.events}. Best effort: an unreadable cgroup means no OOM kill.
 */
public final class CgroupOom {

    private CgroupOom() {
    }

    public static boolean killed(Path cgroupRoot, String namespace, String id) {
        for (Path file : List.of(cgroupRoot.resolve("memory").resolve(namespace).resolve(id).resolve("memory.oom_control"),
                cgroupRoot.resolve(namespace).resolve(id).resolve("memory.events"))) {
            try {
                if (Files.isRegularFile(file)) {
                    return Files.readAllLines(file).stream()
                            .map(line -> line.strip().split("\\s+"))
                            .anyMatch(f -> f.length == 2 && f[0].equals("oom_kill") && !f[1].equals("0"));
                }
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
