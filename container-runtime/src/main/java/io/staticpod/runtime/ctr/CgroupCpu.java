package io.staticpod.runtime.ctr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A started task's CPU weight, written into its cgroup: {@code ctr containers create} has no {@code --cpu-shares}
 * (only {@code ctr run} has), and there is no {@code ctr tasks update} in containerd 1.6. ctr puts a task in the
 * cgroup {@code /<namespace>/<id>}: on cgroup v1 {@code cpu/<namespace>/<id>/cpu.shares} (or under
 * {@code cpu,cpuacct}), on v2 {@code <namespace>/<id>/cpu.weight}, converted as runc converts shares.
 */
final class CgroupCpu {

    private CgroupCpu() {
    }

    /**
     * Writes the weight; false when the task's cgroup is not there (the task has ended already).
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
