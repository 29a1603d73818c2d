package io.staticpod.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.it.apiserver.ApiServerFixture;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A smoke run of the benchmark harness with the API server: one trial of each quick scenario (the first crash only)
 * and a short footprint at 0 pods for the agent on Docker and on CRI (the tests' containerd, against raw CRI calls),
 * and the drop scenario and a short footprint for the real kubelet v1.20.2 (dockershim, through the harness's Docker
 * API proxy), in one run; it must end, print them all in its JSON line, and leave nothing of its run on containerd.
 * The proxy's own tests run too. Figures are not judged: benchmarks are not pass/fail. Under {@code CI=true} a
 * missing kubelet binary fails the test (the set-up builds it into {@code $KUBEBUILDER_ASSETS}); elsewhere the run
 * goes on without the kubelet.
 */
class BenchSmokeIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final Path REPO = ItEnvironment.EXAMPLES.toAbsolutePath().normalize().getParent().getParent();

    @Test
    void theDockerApiProxyPassesItsOwnTests() throws Exception {
        Run run = run(List.of("python3", "-m", "unittest", "discover", "-s", "bench", "-p", "test_*.py"));

        assertThat(run.ended()).as("the proxy's tests end").isTrue();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("OK");
    }

    @Test
    void theHarnessMeasuresTheAgentAndTheKubeletInOneRun() throws Exception {
        ItEnvironment.requireDocker();
        ApiServerFixture.requireBinaries();
        CriTestRuntime.require();
        Path kubelet = ApiServerFixture.assets().resolve("kubelet");
        boolean withKubelet = kubeletIsThere(kubelet);
        List<String> cmd = new ArrayList<>(List.of(REPO.resolve("bench/run").toString(), "--apiserver",
                "--runtimes", "docker,cri", "--runs", "1", "--only", "drop,crash,mirror,remove,footprint",
                "--crashes", "1", "--idle", "2", "--idle-pods", "0"));
        cmd.addAll(withKubelet ? List.of("--kubelet", kubelet.toString(), "--kubelet-only", "drop,footprint")
                : List.of("--no-kubelet"));

        Run run = run(cmd);
        System.out.println(run.output());

        assertThat(run.ended()).as("bench/run ends within %s", TIMEOUT).isTrue();
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode summary = summary(run.output());
        JsonNode scenarios = summary.path("scenarios");
        assertThat(scenarios.path("drop_running").path("agent-docker").path("n").asInt()).isEqualTo(1);
        assertThat(scenarios.path("crash1_restarted").path("agent-docker").path("n").asInt()).isEqualTo(1);
        assertThat(scenarios.has("crash2_restarted")).as("--crashes 1: no back-off waited for").isFalse();
        assertThat(scenarios.path("drop_mirror_running").path("agent-docker").path("n").asInt()).isEqualTo(1);
        assertThat(scenarios.path("mirror_delete_forced").path("agent-docker").path("n").asInt()).isEqualTo(1);
        assertThat(scenarios.path("idle0_cpu_pct").path("agent-docker").path("median").isNumber()).isTrue();
        assertCriRows(summary);
        assertThat(leftOnContainerd(summary.path("run_id").asText())).as("the run's containers on containerd")
                .isEmpty();
        if (withKubelet) {
            assertThat(scenarios.path("drop_running").path("kubelet").path("n").asInt()).isEqualTo(1);
            assertThat(scenarios.path("drop_mirror_running").path("kubelet").path("n").asInt()).isEqualTo(1);
            assertThat(scenarios.path("drop_running").path("agent-docker").path("ratio_kubelet").isNumber()).isTrue();
            assertThat(scenarios.path("idle0_rss_mib").path("kubelet").path("median").asDouble()).isPositive();
            assertThat(summary(run.output()).path("subjects").path("kubelet").path("version").asText())
                    .contains("v1.20.2");
        }
    }

    /** The agent on CRI, timed by containerd's events, each figure next to its raw CRI baseline of the same run. */
    private static void assertCriRows(JsonNode summary) {
        JsonNode scenarios = summary.path("scenarios");
        for (String scenario : List.of("drop_running", "drop_hostnet_running", "drop_mirror_running",
                "crash1_restarted", "remove_containers_gone", "start_first_pod")) {
            JsonNode cri = scenarios.path(scenario).path("agent-cri");
            assertThat(cri.path("n").asInt()).as(scenario + " on CRI").isEqualTo(1);
            assertThat(cri.path("median").asDouble()).as(scenario + " on CRI").isPositive();
        }
        assertThat(scenarios.path("drop_running").path("agent-cri").path("baseline").asText())
                .isEqualTo("cri_run_sandbox_app");
        assertThat(scenarios.path("drop_running").path("agent-cri").path("ratio_baseline").isNumber()).isTrue();
        assertThat(scenarios.path("crash1_restarted").path("agent-cri").path("ratio_baseline").isNumber()).isTrue();
        assertThat(scenarios.path("remove_containers_gone").path("agent-cri").path("ratio_baseline").isNumber())
                .isTrue();
        assertThat(scenarios.path("idle0_cpu_pct").path("agent-cri").path("median").isNumber()).isTrue();
        assertThat(scenarios.path("idle0_rss_mib").path("agent-cri").path("median").asDouble()).isPositive();
        assertThat(scenarios.path("mirror_delete_forced").has("agent-cri")).as("mirror pods: on Docker only").isFalse();
        assertThat(summary.path("baselines").path("cri_create_start_in_sandbox").path("n").asInt()).isEqualTo(1);
        assertThat(summary.path("targets").findValuesAsText("subject")).contains("agent-cri");
        assertThat(summary.path("subjects").path("agent-cri").path("engine").asText()).isEqualTo("cri");
    }

    /** The containers on the tests' containerd that carry the run's labels: its baselines' or its agents'. */
    private static String leftOnContainerd(String runId) throws IOException, InterruptedException {
        assertThat(runId).startsWith("bench-");
        StringBuilder left = new StringBuilder();
        for (String filter : List.of("labels.\"io.staticpod.bench\"==" + runId,
                "labels.\"io.staticpod.agent.node\"~=^" + runId + "-")) {
            Process p = new ProcessBuilder("ctr", "--address", CriTestRuntime.ADDRESS, "-n", "k8s.io", "containers",
                    "ls", "-q", filter).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            left.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
            assertThat(p.waitFor()).as("ctr containers ls " + filter).isZero();
        }
        return left.toString();
    }

    /** Fails under CI when the kubelet binary is missing; elsewhere says so and runs without it. */
    private static boolean kubeletIsThere(Path kubelet) {
        if (Files.isExecutable(kubelet)) {
            return true;
        }
        String message = "no kubelet at " + kubelet + ": the test set-up builds it (scripts/test, "
                + "ensure_control_plane_binaries in scripts/lib.sh)";
        if (ItEnvironment.ci()) {
            throw new AssertionError("CI=true and " + message);
        }
        System.out.println(message + "; the smoke run goes on without the kubelet");
        return false;
    }

    private static JsonNode summary(String output) throws IOException {
        String line = output.lines().filter(l -> l.startsWith("{\"bench\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no JSON line in the output:\n" + output));
        return new ObjectMapper().readTree(line);
    }

    /**
     * Runs cmd in the repository, its output read on a thread of its own so that the timeout can fire; a run that
     * does not end in time gets SIGTERM (bench/run then cleans up) and, a minute later, SIGKILL.
     */
    private static Run run(List<String> cmd) throws InterruptedException, IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(REPO.toFile()).redirectErrorStream(true);
        pb.environment().put("SPA_BENCH_JAR", ItEnvironment.AGENT_JAR.toAbsolutePath().toString());
        pb.environment().put("KUBEBUILDER_ASSETS", ApiServerFixture.assets().toString());
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> copy(p.getInputStream(), out), "bench-output");
        drain.start();
        boolean ended = p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            p.destroy();
            if (!p.waitFor(1, TimeUnit.MINUTES)) {
                p.destroyForcibly().waitFor();
            }
        }
        drain.join(TimeUnit.SECONDS.toMillis(30));
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        return new Run(ended, ended ? p.exitValue() : -1, text);
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Run(boolean ended, int exitCode, String output) {
    }
}
