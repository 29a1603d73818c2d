package io.staticpod.agent.desired;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.staticpod.agent.source.SourceSnapshot;
import io.staticpod.manifest.ManifestProblem;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ObjectMeta;
import io.staticpod.manifest.model.Pod;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.RestartPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateTest {
    private final List<String> events = new ArrayList<>();
    private final DesiredState state = new DesiredState(new PodListener() {
        @Override
        public void podChanged(PodKey key, StaticPod pod) {
            events.add("changed " + key + " " + pod.uid());
        }

        @Override
        public void podRemoved(PodKey key) {
            events.add("removed " + key);
        }
    });

    @Test
    void addsUpdatesAndRemovesPodsAsTheirFilesChange() {
        state.apply(snapshot(parsed("a.yaml", "web", "u1")));
        state.apply(snapshot(parsed("a.yaml", "web", "u1")));
        state.apply(snapshot(parsed("a.yaml", "web", "u2")));
        state.apply(snapshot());

        assertThat(events).containsExactly("changed default/web-n1 u1", "changed default/web-n1 u2",
                "removed default/web-n1");
    }

    @Test
    void aFileThatTurnsInvalidKeepsItsLastGoodVersion() {
        state.apply(snapshot(parsed("a.yaml", "web", "u1")));
        state.apply(snapshot(invalid("a.yaml")));

        assertThat(events).containsExactly("changed default/web-n1 u1");
        assertThat(state.pods()).containsKey(new PodKey("default", "web-n1"));
    }

    @Test
    void anInvalidFileWithoutAGoodVersionRunsNothing() {
        state.apply(snapshot(invalid("a.yaml")));

        assertThat(events).isEmpty();
        assertThat(state.synced()).isTrue();
    }

    @Test
    void anInvalidFileThatIsRemovedTakesItsLastGoodVersionAway() {
        state.apply(snapshot(parsed("a.yaml", "web", "u1")));
        state.apply(snapshot(invalid("a.yaml")));
        state.apply(snapshot());

        assertThat(events).containsExactly("changed default/web-n1 u1", "removed default/web-n1");
    }

    @Test
    void theFirstFileInSortedOrderWinsForADuplicatePodName() {
        state.apply(snapshot(parsed("a.yaml", "web", "u1"), parsed("b.yaml", "web", "u2")));

        assertThat(events).containsExactly("changed default/web-n1 u1");
        assertThat(state.pods().get(new PodKey("default", "web-n1")).file()).isEqualTo(Path.of("/m/a.yaml"));
    }

    @Test
    void removingTheWinningDuplicateLetsTheOtherFileRun() {
        state.apply(snapshot(parsed("a.yaml", "web", "u1"), parsed("b.yaml", "web", "u2")));
        state.apply(snapshot(parsed("b.yaml", "web", "u2")));

        assertThat(events).containsExactly("changed default/web-n1 u1", "changed default/web-n1 u2");
    }

    private static SourceSnapshot snapshot(ParseResult... results) {
        return new SourceSnapshot(List.of(results), true);
    }

    private static ParseResult invalid(String file) {
        Path p = Path.of("/m", file);
        return new ParseResult.Invalid(p, List.of(new ManifestProblem(p, 3, "spec", "broken")), List.of());
    }

    static ParseResult parsed(String file, String name, String uid) {
        Container c = new Container("app", "busybox", null, null, null, null, null, null, null);
        PodSpec spec = new PodSpec(null, List.of(c), null, RestartPolicy.Always, 30, false, false, false, null, "n1");
        Pod pod = new Pod("v1", "Pod", new ObjectMeta(name + "-n1", "default", uid, null, null), spec);
        StaticPod sp = new StaticPod(new PodKey("default", name + "-n1"), uid, Path.of("/m", file), pod,
                JsonNodeFactory.instance.objectNode());
        return new ParseResult.Parsed(sp, List.of());
    }
}
