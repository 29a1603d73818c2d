package io.staticpod.runtime.cri;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerState;
import io.staticpod.runtime.spi.ContainerStatus;
import io.staticpod.runtime.spi.ContainerSummary;
import io.staticpod.runtime.spi.Containers;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CriLogFilesTest {
    @TempDir
    Path dir;
    Path log;
    ContainerState state = ContainerState.RUNNING;
    final List<String> reopened = new ArrayList<>();
    RuntimeError reopenFailure;
    Instant now = Instant.parse("2026-12-06T18:05:19Z");
    CriLogFiles files;

    @BeforeEach
    void setUp() throws IOException {
        log = Files.createDirectories(dir.resolve("app")).resolve("0.log");
        Files.writeString(log, "x".repeat(100));
        files = new CriLogFiles(new OneContainer(), id -> {
            if (reopenFailure != null) {
                throw reopenFailure;
            }
            reopened.add(id);
            try {
                Files.writeString(log, "");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        });
    }

    @Test
    void aFileOverTheLimitIsRenamedWithItsTimeAndReopened() throws IOException {
        assertThat(files.rotate("c1", 50, 3)).contains(dir.resolve("app/0.log.20261206-180519"));

        assertThat(reopened).containsExactly("c1");
        assertThat(log).isEmptyFile();
        assertThat(dir.resolve("app/0.log.20261206-180519")).hasContent("x".repeat(100));
    }

    @Test
    void aFileWithinTheLimitStays() throws IOException {
        assertThat(files.rotate("c1", 100, 3)).isEmpty();
        assertThat(reopened).isEmpty();
    }

    @Test
    void atMostMaxFilesAreKeptTheLiveOneIncluded() throws IOException {
        for (int i = 0; i < 4; i++) {
            Files.writeString(log, "y".repeat(100));
            now = now.plusSeconds(60);
            files.rotate("c1", 50, 3);
        }

        assertThat(CriLogFiles.rotatedFiles(log)).extracting(p -> p.getFileName().toString())
                .containsExactly("0.log.20261206-180819", "0.log.20261206-180919");
        assertThat(log).exists();
    }

    @Test
    void twoRotationsInOneSecondKeepBothFiles() throws IOException {
        files.rotate("c1", 50, 5);
        Files.writeString(log, "z".repeat(100));
        files.rotate("c1", 50, 5);

        assertThat(CriLogFiles.rotatedFiles(log)).hasSize(2);
    }

    @Test
    void whenTheRuntimeCannotReopenTheFileIsPutBack() {
        reopenFailure = new RuntimeError.Refused("container is not running", null);

        assertThatThrownBy(() -> files.rotate("c1", 50, 3)).isSameAs(reopenFailure);
        assertThat(log).hasContent("x".repeat(100));
        assertThat(dir.resolve("app")).isDirectoryNotContaining("glob:**.log.*");
    }

    @Test
    void aStoppedContainersLogIsLeftAsItIs() throws IOException {
        state = ContainerState.EXITED;
        assertThat(files.rotate("c1", 50, 3)).isEmpty();
        assertThat(log).hasContent("x".repeat(100));
    }

    @Test
    void deletingALogTakesItsRotatedFilesAndTheEmptyDirectory() throws IOException {
        files.rotate("c1", 50, 5);
        CriLogFiles.deleteWithRotated(log.toString());
        assertThat(dir.resolve("app")).doesNotExist();
    }

    /** The container c1, running or not as the test says, writing to {@link #log}. */
    private final class OneContainer implements Containers {
        @Override
        public Optional<ContainerStatus> status(String containerId) {
            return Optional.of(new ContainerStatus(containerId, "app", 0, "busybox", null, state, now, now, null, 0,
                    null, null, Map.of(), Map.of(), log.toString()));
        }

        @Override
        public String create(String sandboxId, ContainerConfig config, SandboxConfig sandboxConfig) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void start(String containerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void stop(String containerId, Duration grace) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void remove(String containerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ContainerSummary> list(Map<String, String> labels) {
            throw new UnsupportedOperationException();
        }
    }
}
