package io.staticpod.agent.launch;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** A real tmpfs on a temporary directory (root only, as the agent). */
class SyscallHostMountsTest {
    private final SyscallHostMounts mounts = new SyscallHostMounts();
    @TempDir
    Path dir;

    @BeforeEach
    void root() {
        assumeThat(System.getProperty("user.name")).as("mounting needs root").isEqualTo("root");
    }

    @Test
    void aTmpfsOfTheGivenSizeIsMountedAndUnmounted() throws IOException {
        Path volume = Files.createDirectory(dir.resolve("volume"));

        mounts.mountTmpfs(volume, 1L << 20);
        try {
            assertThat(mounts.mounted(volume)).isTrue();
            assertThat(Files.readAllLines(Path.of("/proc/mounts"))).anySatisfy(l -> assertThat(l)
                    .startsWith("tmpfs " + volume + " tmpfs rw").contains("size=1024k"));
            Files.write(volume.resolve("fits"), new byte[512 << 10]);
            assertThatThrownBy(() -> Files.write(volume.resolve("too-big"), new byte[1 << 20]))
                    .isInstanceOf(IOException.class);
        } finally {
            mounts.unmount(volume);
        }

        assertThat(mounts.mounted(volume)).isFalse();
        assertThat(volume).isEmptyDirectory();
    }

    @Test
    void whatCannotBeMountedOrUnmountedIsAnErrorNamingThePathAndTheReason() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> mounts.mountTmpfs(missing, null)).isInstanceOf(IOException.class)
                .hasMessage("mount -t tmpfs tmpfs " + missing + ": No such file or directory (errno 2)");
        assertThatThrownBy(() -> mounts.unmount(dir)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("umount " + dir + ": ").hasMessageContaining("errno 22");
    }
}
