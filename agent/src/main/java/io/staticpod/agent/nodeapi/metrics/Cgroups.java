package io.staticpod.agent.nodeapi.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reads CPU time and memory working set of cgroups under a cgroup file system root ({@code /sys/fs/cgroup}), on
 * cgroup v2 (one hierarchy: {@code cpu.stat usage_usec}, {@code memory.current} less {@code inactive_file}) and v1
 * ({@code cpuacct.usage} in the cpuacct hierarchy, {@code memory.usage_in_bytes} less {@code total_inactive_file}).
 *
 * <p>A container's cgroup is found by its id: the directory whose name holds the id ({@code docker/<id>},
 * {@code system.slice/docker-<id>.scope}, {@code <namespace>/<id>} of ctr, {@code …/cri-containerd-<id>.scope}),
 * searched at most {@value #MAX_DEPTH} levels deep and remembered until it is gone. Unreadable files are absent
 * values, never errors: a container that just exited has no cgroup any more.
 */
public final class Cgroups {
    static final int MAX_DEPTH = 6;
    private static final int MIN_ID_LENGTH = 12;

    private final Path root;
    private final boolean v2;
    private final Path memoryRoot;
    private final Path cpuRoot;
    /** container id → its directory relative to the hierarchy root; bounded by the containers asked about. */
    private final Map<String, Path> found = new ConcurrentHashMap<>();

    /** A reading of one cgroup: CPU seconds and working-set bytes, each absent when unreadable. */
    public record Usage(Optional<Double> cpuSeconds, Optional<Long> workingSetBytes) {
    }

    public Cgroups(Path root) {
        this.root = root;
        this.v2 = Files.exists(root.resolve("cgroup.controllers"));
        this.memoryRoot = v2 ? root : root.resolve("memory");
        this.cpuRoot = v2 ? root : Stream.of("cpuacct", "cpu,cpuacct", "cpuacct,cpu").map(root::resolve)
                .filter(Files::isDirectory).findFirst().orElse(root.resolve("cpuacct"));
    }

    public boolean v2() {
        return v2;
    }

    /** The container's usage, or empty when no cgroup of it is found. */
    public Optional<Usage> container(String containerId) {
        if (containerId == null || containerId.length() < MIN_ID_LENGTH || containerId.contains("/")) {
            return Optional.empty();
        }
        Path rel = found.get(containerId);
        if (rel == null || !Files.isDirectory(memoryRoot.resolve(rel))) {
            found.remove(containerId);
            rel = search(containerId).orElse(null);
            if (rel == null) {
                return Optional.empty();
            }
            found.put(containerId, rel);
        }
        return Optional.of(usage(rel));
    }

    /** Forgets containers no longer asked about (call with the live ids after each scrape). */
    public void retain(java.util.Set<String> containerIds) {
        found.keySet().retainAll(containerIds);
    }

    /** The whole node: the root cgroup (v1), or the root's cpu.stat and /proc/meminfo's figures (v2). */
    public Usage node(Path meminfo) {
        if (!v2) {
            return usage(Path.of(""));
        }
        Optional<Double> cpu = statValue(cpuRoot.resolve("cpu.stat"), "usage_usec").map(us -> us / 1e6);
        Optional<Long> working = Optional.empty();
        Map<String, Long> mem = meminfo(meminfo);
        if (mem.containsKey("MemTotal") && mem.containsKey("MemFree")) {
            long usage = (mem.get("MemTotal") - mem.get("MemFree")) * 1024;
            working = Optional.of(Math.max(0, usage - mem.getOrDefault("Inactive(file)", 0L) * 1024));
        }
        return new Usage(cpu, working);
    }

    private Usage usage(Path rel) {
        Optional<Double> cpu;
        Optional<Long> working;
        if (v2) {
            cpu = statValue(cpuRoot.resolve(rel).resolve("cpu.stat"), "usage_usec").map(us -> us / 1e6);
            working = number(memoryRoot.resolve(rel).resolve("memory.current"))
                    .map(u -> Math.max(0, u - statValue(memoryRoot.resolve(rel).resolve("memory.stat"),
                            "inactive_file").orElse(0L)));
        } else {
            cpu = number(cpuRoot.resolve(rel).resolve("cpuacct.usage")).map(ns -> ns / 1e9);
            working = number(memoryRoot.resolve(rel).resolve("memory.usage_in_bytes"))
                    .map(u -> Math.max(0, u - statValue(memoryRoot.resolve(rel).resolve("memory.stat"),
                            "total_inactive_file").orElse(0L)));
        }
        return new Usage(cpu, working);
    }

    /** Breadth first under the memory hierarchy, for a directory whose name holds the id. */
    private Optional<Path> search(String id) {
        Deque<Path> queue = new ArrayDeque<>(List.of(memoryRoot));
        while (!queue.isEmpty()) {
            Path dir = queue.removeFirst();
            int depth = memoryRoot.relativize(dir).getNameCount();
            try (Stream<Path> children = Files.list(dir)) {
                for (Path child : (Iterable<Path>) children::iterator) {
                    if (!Files.isDirectory(child, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        continue;
                    }
                    if (child.getFileName().toString().contains(id)) {
                        return Optional.of(memoryRoot.relativize(child));
                    }
                    if (depth + 1 < MAX_DEPTH) {
                        queue.addLast(child);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a cgroup removed while listed, or unreadable: nothing there
            }
        }
        return Optional.empty();
    }

    private static Optional<Long> number(Path file) {
        try {
            String text = Files.readString(file).trim();
            return text.isEmpty() || text.equals("max") ? Optional.empty() : Optional.of(Long.parseLong(text));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The value of {@code key} in a flat {@code key value} file (cpu.stat, memory.stat). */
    private static Optional<Long> statValue(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.map(l -> l.split(" ")).filter(f -> f.length == 2 && f[0].equals(key))
                    .map(f -> Long.parseLong(f[1].trim())).findFirst();
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Map<String, Long> meminfo(Path file) {
        Map<String, Long> out = new java.util.HashMap<>();
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(l -> {
                String[] f = l.split(":\\s+");
                if (f.length == 2) {
                    try {
                        out.put(f[0], Long.parseLong(f[1].replace(" kB", "").trim()));
                    } catch (NumberFormatException ignored) {
                        // a line we do not need
                    }
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // no figures
        }
        return out;
    }
}
