package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.LogOptions;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A container's output through {@link io.staticpod.runtime.spi.ContainerLogs}. */
class CtrLogsTest extends CtrFixture {


    @Test
    void aFollowedLogEndsOnceContainerdShowsTheContainerExited() throws Exception {
        Files.createDirectories(logs);
        Files.writeString(logs.resolve(APP + ".log"), "hi\n");
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("containers", "info", APP), saved("info-app-started.json"));
        expect(ctr("tasks", "ls"), saved("tasks-ls-both-running.txt"));
        expect(ctr("containers", "info", APP), saved("info-app-exited-0.json"));
        expect(ctr("tasks", "ls"), tasks());
        AtomicInteger waits = new AtomicInteger();
        CtrPodRuntime runtime = runtime((d, r) -> {
            assertThat(waits.incrementAndGet()).as("waits: the end of the container is never seen").isLessThan(100);
            now.set(now.get().plus(d));
        });

        try (LogReader reader = runtime.logs().orElseThrow().open(APP, new LogOptions(true, -1, null))) {
            assertThat(new String(reader.next().bytes(), StandardCharsets.UTF_8)).isEqualTo("hi");
            assertThat(reader.next()).isNull();
        }
        assertThat(waits.get()).isEqualTo(8); // two checks of containerd, a second apart
    }

    @Test
    void theLogOfAMissingContainerOrOfASandboxIsNotFound() {
        runner.expect(ctr("containers", "info", "nothere"))
                .fails(1, "ctr: container \"nothere\" in namespace \"spa\": not found\n");
        expect(ctr("containers", "info", SANDBOX), saved("info-sandbox-running.json"));
        CtrPodRuntime runtime = runtime();

        assertThatThrownBy(() -> runtime.logs().orElseThrow().open("nothere", LogOptions.ALL))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThatThrownBy(() -> runtime.logs().orElseThrow().open(SANDBOX, LogOptions.ALL))
                .isInstanceOf(RuntimeError.NotFound.class);
    }
}
