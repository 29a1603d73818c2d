package io.staticpod.runtime.ctr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A task's CPU weight, written into its cgroup: {@code ctr containers create} has no {@code --cpu-shares} (only
 * {@code ctr run} has), and there is no {@code ctr tasks update} in containerd 1.6. ctr puts a task in the cgroup
 * {@code /<namespace>/<id>}. On cgroup v1 that cgroup is made with its {@code cpu.shares} before the task starts
 * ({@link #prepare}): runc joins an existing cgroup and, since ctr's spec names no shares, leaves the value alone, so
 * the process has its weight from its first instruction. On v2 (where a cgroup made early would lack the cpu
 * controller) {@code cpu.weight} is written just after the start ({@link #setShares}), converted as runc converts.
 */
final class CgroupCpu {

    private CgroupCpu() {
    }

    /**
     * Makes the task's v1 cpu cgroup with its shares, before the task starts; false on cgroup v2 (or without a cpu
     * hierarchy), where {@link #setShares} is for after the start.
     */
    static boolean prepare(Path cgroupRoot, String namespace, String id, long shares) throws IOException {
        for (String controller : List.of("cpu", "cpu,cpuacct")) {
            Path hierarchy = cgroupRoot.resolve(controller);
            if (Files.isRegularFile(hierarchy.resolve("cpu.shares"))) {
                Path cgroup = Files.createDirectories(hierarchy.resolve(namespace).resolve(id));
                Files.writeString(cgroup.resolve("cpu.shares"), Long.toString(Math.max(2, shares)));
                return true;
            }
        }
        return false;
    }

    /** Removes a cgroup {@link #prepare} made for a task that then did not start; one in use stays. */
    static void release(Path cgroupRoot, String namespace, String id) {
        for (String controller : List.of("cpu", "cpu,cpuacct")) {
            try {
                Files.deleteIfExists(cgroupRoot.resolve(controller).resolve(namespace).resolve(id));
            } catch (IOException e) {
                // busy (the task runs after all) or not a directory we may remove: it is runc's now
            }
        }
    }

    /**
     * Writes the weight of a started task; false when its cgroup is not there (the task has ended already).
     *
     * @throws IOException when the cgroup is there and cannot be written
     */
    static boolean setShares(Path cgroupRoot, String namespace, String id, long shares) throws IOException {
        for (String controller : List.of("cpu", "cpu,cpuacct")) {
            Path file = cgroupRoot.resolve(controller).resolve(namespace).resolve(id).resolve("cpu.shares");
            if (Files.isRegularFile(file)) {
                Files.writeString(file, Long.toString(Math.max(2, shares)));
                return true;
            }
        }
        Path weight = cgroupRoot.resolve(namespace).resolve(id).resolve("cpu.weight");
        if (Files.isRegularFile(weight)) {
            Files.writeString(weight, Long.toString(weight(shares)));
            return true;
        }
        return false;
    }

    /** runc's conversion of cgroup v1 shares (2-262144) to a v2 weight (1-10000). */
    static long weight(long shares) {
        long clamped = Math.min(262_144, Math.max(2, shares));
        return 1 + ((clamped - 2) * 9999) / 262_142;
    }
}
