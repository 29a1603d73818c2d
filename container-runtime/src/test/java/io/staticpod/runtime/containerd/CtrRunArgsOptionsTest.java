package io.staticpod.runtime.containerd;

import io.staticpod.runtime.LaunchOptions;
import io.staticpod.runtime.LaunchSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CtrRunArgsOptionsTest {

    @Test
    void mapsWhatCtrHasFlagsForAndNamesTheRest() {
        LaunchOptions o = new LaunchOptions(256, 50_000, 100_000, 64L << 20, true, "1000", List.of(5L),
                List.of("NET_ADMIN"), List.of("ALL"), true, false, "unconfined", Map.of("kernel.shmmax", "1"),
                LaunchSpec.Namespace.host(), List.of("db:10.0.0.2"), List.of(), List.of(), List.of(), Map.of());
        List<String> argv = new ArrayList<>();

        CtrRunArgs.options(argv, o);

        List<String> dropAll = new ArrayList<>();
        io.staticpod.runtime.ctr.CtrFlags.DEFAULT_CAPABILITIES.forEach(c -> dropAll.addAll(List.of("--cap-drop", c)));
        List<String> expected = new ArrayList<>(List.of("--cpu-shares", "256", "--cpu-quota", "50000",
                "--cpu-period", "100000", "--memory-limit", "67108864", "--privileged", "--cap-add", "CAP_NET_ADMIN"));
        expected.addAll(dropAll); // ctr refuses "ALL"; the defaults are dropped one by one
        expected.addAll(List.of("--read-only", "--allow-new-privs", "--with-ns", "pid:/proc/self/ns/pid"));
        assertThat(argv).containsExactlyElementsOf(expected);
        assertThat(CtrRunArgs.unsupported(o)).containsExactly("runAsUser/runAsGroup", "supplementalGroups", "sysctls");
    }

    @Test
    void noOptionsAddNoFlags() {
        List<String> argv = new ArrayList<>();
        CtrRunArgs.options(argv, LaunchOptions.NONE);
        assertThat(argv).isEmpty();
    }
}
