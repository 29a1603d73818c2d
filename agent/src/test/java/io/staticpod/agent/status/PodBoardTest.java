package io.staticpod.agent.status;

import io.staticpod.agent.metrics.AgentMetrics;
import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.MirrorClient;
import io.staticpod.mirror.PodEvent;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class PodBoardTest {
    static final String NODE = "node1";
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private PodBoard board;
    private final AgentMetrics metrics = new AgentMetrics(() -> board.phases());

    {
        board = new PodBoard(MirrorClient.NONE, metrics, now::get, NODE);
    }

    static StaticPod pod(String name, String command) {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  containers:
                  - name: app
                    image: busybox
                    command: ["sh", "-c", "%s"]
                """.formatted(name, command);
        ParseResult r = new ManifestReader(NODE).parse(Path.of("/m/" + name + ".yaml"),
                yaml.getBytes(StandardCharsets.UTF_8));
        return ((ParseResult.Parsed) r).pod();
    }

    static PodStatus status(StaticPod pod, PodStatus.State state, int restarts, Instant start) {
        return new PodStatus(pod.uid(), state instanceof PodStatus.Running ? PodStatus.Phase.Running
                : PodStatus.Phase.Pending, start, null, List.of(),
                List.of(new PodStatus.ContainerStatus("app", "busybox", null, null, state, null,
                        state instanceof PodStatus.Running, true, restarts)), null);
    }

    private String scrape() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.write(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void recordsTheLatestStatusCountsRestartsAndMeasuresTheStartOncePerVersion() throws Exception {
        StaticPod web = pod("web", "sleep 1");
        board.desiredPods(Map.of(web.key(), web));
        assertThat(board.phases()).containsEntry(PodStatus.Phase.Unknown, 1);
        assertThat(board.board().pods().get(0).status()).isEqualTo("Pending");

        now.set(now.get().plusSeconds(3));
        Instant started = now.get();
        board.podStatus(web.key(), status(web, new PodStatus.Running(started), 0, started));
        board.podStatus(web.key(), status(web, new PodStatus.Waiting("CrashLoopBackOff", "back-off 10s"), 2,
                started));
        board.podEvent(web.key(), new PodEvent(PodEvent.Type.Warning, "BackOff", "Back-off restarting", "app"));

        PodRow row = board.board().pods().get(0);
        assertThat(row.name()).isEqualTo("web-node1");
        assertThat(row.status()).isEqualTo("CrashLoopBackOff");
        assertThat(row.ready()).isEqualTo("0/1");
        assertThat(row.restarts()).isEqualTo(2);
        assertThat(row.file()).isEqualTo("/m/web.yaml");
        assertThat(row.lastError()).isEqualTo("app: CrashLoopBackOff: back-off 10s");
        String text = scrape();
        assertThat(text).contains("static_pod_agent_container_restarts_total{container=\"app\",namespace=\"default\","
                + "pod=\"web-node1\"} 2.0");
        assertThat(text).contains("static_pod_agent_pod_start_duration_seconds_count 1");
        assertThat(text).contains("static_pod_agent_pod_start_duration_seconds_bucket{le=\"3.0\"} 1");
        assertThat(text).contains("static_pod_agent_static_pods{phase=\"Pending\"} 1");

        // a new version of the pod: restarts start from zero, its start is measured again
        StaticPod web2 = pod("web", "sleep 2");
        board.desiredPods(Map.of(web2.key(), web2));
        board.podStatus(web2.key(), status(web2, new PodStatus.Running(now.get()), 0, now.get()));
        assertThat(board.board().pods().get(0).restarts()).isZero();
        assertThat(scrape()).contains("static_pod_agent_pod_start_duration_seconds_count 2")
                .contains("static_pod_agent_static_pods{phase=\"Running\"} 1");
    }

    @Test
    void anAdoptedPodThatRanBeforeItsManifestWasSeenIsNotMeasured() throws Exception {
        StaticPod web = pod("web", "sleep 1");
        Instant before = now.get().minusSeconds(600);
        board.desiredPods(Map.of(web.key(), web));
        board.podStatus(web.key(), status(web, new PodStatus.Running(before), 0, before));
        assertThat(scrape()).contains("static_pod_agent_pod_start_duration_seconds_count 0");
    }

    @Test
    void invalidFilesThatRunNoPodAreListed() {
        ParseResult bad = new ManifestReader(NODE).parse(Path.of("/m/bad.yaml"),
                "apiVersion: v1\nkind: Pod\n".getBytes(StandardCharsets.UTF_8));
        board.invalidFiles(List.of(bad));
        assertThat(board.board().invalidFiles()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo("/m/bad.yaml");
            assertThat(f.errors()).isNotEmpty();
        });
        assertThat(board.board().pods()).isEmpty();
        assertThat(PodKey.class).isNotNull();
    }
}
