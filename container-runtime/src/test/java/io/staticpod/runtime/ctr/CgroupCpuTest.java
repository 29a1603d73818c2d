package io.staticpod.runtime.ctr;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** CPU shares written into a started task's cgroup, v1 or v2. */
class CgroupCpuTest {

    @TempDir
    Path dir;

    @Test
    void sharesGoToCpuSharesOnV1AndAConvertedWeightOnV2AndNowhereWhenTheTaskIsGone() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("v1/cpu,cpuacct/ns/id")).resolve("cpu.shares");
        Files.writeString(v1, "1024");
        Path v2 = Files.createDirectories(dir.resolve("v2/ns/id")).resolve("cpu.weight");
        Files.writeString(v2, "100");

        assertThat(CgroupCpu.setShares(dir.resolve("v1"), "ns", "id", 256)).isTrue();
        assertThat(CgroupCpu.setShares(dir.resolve("v2"), "ns", "id", 1024)).isTrue();
        assertThat(CgroupCpu.setShares(dir.resolve("none"), "ns", "id", 256)).isFalse();
        assertThat(v1).hasContent("256");
        assertThat(v2).hasContent("39");
    }

    @Test
    void theWeightIsRuncsConversionOfShares() {
        assertThat(CgroupCpu.weight(2)).isEqualTo(1);
        assertThat(CgroupCpu.weight(1024)).isEqualTo(39);
        assertThat(CgroupCpu.weight(262_144)).isEqualTo(10_000);
        assertThat(CgroupCpu.weight(1)).isEqualTo(1);
    }
}
