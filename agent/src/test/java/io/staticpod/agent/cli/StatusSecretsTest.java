package io.staticpod.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.agent.metrics.AgentMetrics;
import io.staticpod.agent.status.PodBoard;
import io.staticpod.agent.status.PodRow;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code status} and {@code /pods} show what runs and what is wrong, never an environment variable's value. */
class StatusSecretsTest {
    static final String SECRET = "s3cr3t-value";
    static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s}
            spec:
              initContainers:
              - name: init
                image: busybox
                env: [{name: INIT_TOKEN, value: "init-s3cr3t-value"}]
              containers:
              - name: app
                image: busybox
                env: [{name: PASSWORD, value: "s3cr3t-value"}, {name: MODE, value: "on"}]
            """;

    private final Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private PodBoard board;
    private final AgentMetrics metrics = new AgentMetrics(() -> board.phases());

    {
        board = new PodBoard(MirrorClient.NONE, metrics, () -> now, "node1");
    }

    private static ParseResult parse(String name, String yaml) {
        return new ManifestReader("node1").parse(Path.of("/m/" + name + ".yaml"), yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void neitherTheTableNorTheJsonShowsAnEnvironmentValue() throws Exception {
        StaticPod web = ((ParseResult.Parsed) parse("web", POD.formatted("web"))).pod();
        StaticPod db = ((ParseResult.Parsed) parse("db", POD.formatted("db"))).pod();
        board.desiredPods(Map.of(web.key(), web, db.key(), db));
        // a runtime error that quotes the command it ran, values included
        String failed = "`docker create --name k8s_app -e PASSWORD=s3cr3t-value -e MODE=on busybox` failed with exit"
                + " code 125: no such image";
        board.podStatus(web.key(), new PodStatus(web.uid(), PodStatus.Phase.Pending, now, null, List.of(),
                List.of(new PodStatus.ContainerStatus("app", "busybox", null, null,
                        new PodStatus.Waiting("CreateContainerError", failed), null, false, false, 0)), null));
        board.podStatus(db.key(), new PodStatus(db.uid(), PodStatus.Phase.Pending, now, null, List.of(),
                List.of(new PodStatus.ContainerStatus("app", "busybox", null, null,
                        new PodStatus.Running(now), null, false, true, 0)), null));
        board.podEvent(db.key(), new PodEvent(PodEvent.Type.Warning, "Failed",
                "init: `docker run -e INIT_TOKEN=init-s3cr3t-value busybox` failed", "init"));
        // and a file whose environment value has the wrong type: named by its type only
        board.invalidFiles(List.of(parse("bad", POD.formatted("bad").replace("\"s3cr3t-value\"", "918273645"))));

        PodRow.Board shown = board.board();
        String json = new ObjectMapper().writeValueAsString(shown);
        String table = StatusCommand.table(shown);

        assertThat(table).contains("CreateContainerError", "-e PASSWORD=(env PASSWORD)", "/m/bad.yaml",
                "must be a string, got a number");
        assertThat(json).contains("(env INIT_TOKEN)");
        for (String shownText : List.of(json, table, shown.toString())) {
            assertThat(shownText).doesNotContain(SECRET, "918273645");
        }
        // and a pod record logged whole does not print the value either
        assertThat(web.toString()).doesNotContain(SECRET).contains("web-node1");
        assertThat(web.pod().toString()).doesNotContain(SECRET).contains("PASSWORD");
    }
}
