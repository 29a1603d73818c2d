package io.staticpod.agent.cli;

import io.staticpod.agent.status.PodRow;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusCommandTest {
    @Test
    void printsPodsAsKubectlDoesWithFileAndErrorColumns() {
        PodRow.Board board = new PodRow.Board("n1", List.of(
                new PodRow("default", "web-n1", "u1", "Running", "Running", 1, 1, 0, "2026-01-01T00:00:00Z", 75,
                        "/m/web.yaml", null, null),
                new PodRow("kube-system", "etcd-n1", "u2", "Running", "CrashLoopBackOff", 0, 1, 3, null, 4000,
                        "/m/etcd.yaml", null, "etcd: CrashLoopBackOff: back-off 40s\nrestarting")),
                List.of(new PodRow.InvalidFile("/m/bad.yaml", List.of("/m/bad.yaml:3: spec: required", "x"))));

        String table = StatusCommand.table(board);

        assertThat(table.lines().toList()).containsExactly(
                "NAMESPACE     NAME      READY   STATUS             RESTARTS   AGE   FILE           ERROR",
                "default       web-n1    1/1     Running            0          75s   /m/web.yaml",
                "kube-system   etcd-n1   0/1     CrashLoopBackOff   3          66m   /m/etcd.yaml   "
                        + "etcd: CrashLoopBackOff: back-off 40s restarting",
                "-             -         -       InvalidManifest    -          -     /m/bad.yaml    "
                        + "/m/bad.yaml:3: spec: required (and 1 more)");
    }

    @Test
    void agesReadAsKubectlsDo() {
        assertThat(StatusCommand.age(5)).isEqualTo("5s");
        assertThat(StatusCommand.age(150)).isEqualTo("2m30s");
        assertThat(StatusCommand.age(3600)).isEqualTo("60m");
        assertThat(StatusCommand.age(5 * 3600 + 120)).isEqualTo("5h2m");
        assertThat(StatusCommand.age(20 * 3600)).isEqualTo("20h");
        assertThat(StatusCommand.age(3 * 86400 + 3600)).isEqualTo("3d1h");
        assertThat(StatusCommand.age(40 * 86400)).isEqualTo("40d");
    }

    @Test
    void anAgentThatDoesNotAnswerIsExitOneWithAHint() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Commands.run(new String[]{"status", "--address", "127.0.0.1:" + port},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the agent at http://127.0.0.1:"
                + port + "/pods");
    }

    @Test
    void unknownArgumentsAreUsageErrors() {
        assertThat(Commands.run(new String[]{"status", "--wide"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()))).isEqualTo(2);
    }
}
