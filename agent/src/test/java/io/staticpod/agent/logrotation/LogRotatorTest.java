package io.staticpod.agent.logrotation;

import io.staticpod.config.ContainerLogLimits;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.ContainerRuntime;
import io.staticpod.runtime.spi.LogRotation;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import io.staticpod.runtime.spi.ForwardingContainerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LogRotatorTest {
    private static final String IMAGE = "busybox:1.35";
    private static final Map<String, String> OWNER = Map.of("io.staticpod.agent.node", "node-1");
    private static final Capabilities CRI = new Capabilities(true, true, true, false, true, true, true, true, true,
            false);

    @TempDir
    Path logs;
    private final FakeContainerRuntime fake = new FakeContainerRuntime(Clock.systemUTC(), CRI);
    private final List<String> reopened = new ArrayList<>();
    private Path live;
    private String id;

    @Test
    void aLogLargerThanTheLimitIsRotatedAndReopenedAndOnlyMaxFilesAreKept() throws IOException {
        startContainer();
        Clock clock = Clock.fixed(Instant.parse("2026-12-06T22:00:00Z"), ZoneOffset.UTC);
        LogRotator rotator = new LogRotator(rotating(), OWNER, new ContainerLogLimits(100, 2), clock);

        Files.writeString(live, "x".repeat(101));
        rotator.pass();
        assertThat(reopened).containsExactly(id);
        assertThat(Files.readString(live.resolveSibling("0.log.20261206-220000"))).hasSize(101);

        Files.writeString(live, "y".repeat(150));
        rotator.pass();

        assertThat(reopened).containsExactly(id, id);
        try (Stream<Path> files = Files.list(live.getParent())) {
            // the live file (reopened by the runtime) and one rotated: the newest (the older went first)
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0.log",
                    "0.log.20261206-220000");
        }
        assertThat(Files.readString(live.resolveSibling("0.log.20261206-220000"))).hasSize(150);
    }

    @Test
    void aLogWithinTheLimitIsLeftAlone() throws IOException {
        startContainer();
        LogRotator rotator = new LogRotator(rotating(), OWNER, new ContainerLogLimits(100, 5), Clock.systemUTC());

        Files.writeString(live, "x".repeat(100));
        rotator.pass();

        assertThat(reopened).isEmpty();
        assertThat(Files.readString(live)).hasSize(100);
    }

    @Test
    void onlyRuntimesThatWriteLogFilesAndReopenThemAreRotated() {
        assertThat(LogRotator.applies(rotating())).isTrue();
        assertThat(LogRotator.applies(fake)).isFalse(); // no logRotation()
        assertThat(LogRotator.applies(new FakeContainerRuntime())).isFalse(); // Docker: no log files
    }

    private void startContainer() throws IOException {
        fake.addImage(IMAGE);
        SandboxConfig sandbox = new SandboxConfig(new SandboxMetadata("web", "default", "uid-1", 0), null,
                logs.resolve("default_web_uid-1").toString(), null, null, OWNER, null, null, null, false);
        String sandboxId = fake.sandboxes().run(sandbox);
        id = fake.containers().create(sandboxId, ContainerConfig.builder("app", 0, IMAGE).logPath("app/0.log")
                .labels(OWNER).build(), sandbox);
        fake.containers().start(id);
        live = Path.of(fake.containers().status(id).orElseThrow().logPath());
        Files.createDirectories(live.getParent());
    }

    /** The fake, able to reopen a log file as a CRI runtime does: a new, empty file under the old name. */
    private ContainerRuntime rotating() {
        LogRotation rotation = containerId -> {
            reopened.add(containerId);
            try {
                Files.writeString(live, "");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        return new ForwardingContainerRuntime(fake) {
            @Override
            public Optional<LogRotation> logRotation() {
                return Optional.of(rotation);
            }
        };
    }
}
