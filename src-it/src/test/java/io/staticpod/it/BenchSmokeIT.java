package io.staticpod.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke run of the benchmark harness (one trial of each quick scenario, with the API server): it must run end to
 * end and print its JSON line. Its figures are not judged here; benchmarks are not pass/fail.
 */
class BenchSmokeIT {

    @Test
    void theHarnessRunsEndToEndAndPrintsItsResults() throws IOException, InterruptedException {
        ItEnvironment.requireDocker();
        Path repo = ItEnvironment.EXAMPLES.toAbsolutePath().normalize().getParent().getParent();
        ProcessBuilder pb = new ProcessBuilder(List.of(repo.resolve("bench/run").toString(), "--apiserver",
                "--runs", "1", "--only", "drop,crash,mirror,remove", "--scale", "5", "--idle", "2"))
                .directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().put("SPA_BENCH_JAR", ItEnvironment.AGENT_JAR.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = p.waitFor(Duration.ofMinutes(10).toMillis(), TimeUnit.MILLISECONDS);
        System.out.println(out);

        assertThat(ended).as("bench/run ends").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("drop").containsPattern("\\{.*\"drop");
    }
}
