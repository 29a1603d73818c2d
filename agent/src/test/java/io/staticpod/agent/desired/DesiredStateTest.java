package io.staticpod.agent.desired;

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
    private final DesiredState state = new DesiredState();
    private final PodListener lanes = new PodListener() {
        @Override
        public void podChanged(PodKey key, StaticPod pod) {
            events.add("changed " + key + " " + pod.uid());
        }

        @Override
        public void podRemoved(PodKey key) {
            events.add("removed " + key);
        }
    };

    /** Applies a snapshot as the daemon does: its one change handed to the lanes. */
    private DesiredChange apply(SourceSnapshot snapshot) {
        DesiredChange change = state.apply(snapshot);
        change.applyTo(lanes);
        return change;
    }

    @Test
    void addsUpdatesAndRemovesPodsAsTheirFilesChange() {
        apply(snapshot(parsed("a.yaml", "web", "u1")));
        apply(snapshot(parsed("a.yaml", "web", "u1")));
        apply(snapshot(parsed("a.yaml", "web", "u2")));
        apply(snapshot());

        assertThat(events).containsExactly("changed default/web-n1 u1", "changed default/web-n1 u2",
                "removed default/web-n1");
    }

    @Test
    void aFileThatTurnsInvalidKeepsItsLastGoodVersion() {
        apply(snapshot(parsed("a.yaml", "web", "u1")));
        apply(snapshot(invalid("a.yaml")));

        assertThat(events).containsExactly("changed default/web-n1 u1");
        assertThat(state.pods()).containsKey(new PodKey("default", "web-n1"));
    }

    @Test
    void anInvalidFileWithoutAGoodVersionRunsNothing() {
        apply(snapshot(invalid("a.yaml")));

        assertThat(events).isEmpty();
        assertThat(state.synced()).isTrue();
    }

    @Test
    void anInvalidFileThatIsRemovedTakesItsLastGoodVersionAway() {
        apply(snapshot(parsed("a.yaml", "web", "u1")));
        apply(snapshot(invalid("a.yaml")));
        apply(snapshot());

        assertThat(events).containsExactly("changed default/web-n1 u1", "removed default/web-n1");
    }

    @Test
    void theFirstFileInSortedOrderWinsForADuplicatePodName() {
        apply(snapshot(parsed("a.yaml", "web", "u1"), parsed("b.yaml", "web", "u2")));

        assertThat(events).containsExactly("changed default/web-n1 u1");
        assertThat(state.pods().get(new PodKey("default", "web-n1")).file()).isEqualTo(Path.of("/m/a.yaml"));
    }

    @Test
    void removingTheWinningDuplicateLetsTheOtherFileRun() {
        apply(snapshot(parsed("a.yaml", "web", "u1"), parsed("b.yaml", "web", "u2")));
        apply(snapshot(parsed("b.yaml", "web", "u2")));

        assertThat(events).containsExactly("changed default/web-n1 u1", "changed default/web-n1 u2");
    }

    @Test
    void eachSnapshotIsOneChangeWithWhatChangedTheWholeSetAndTheManifestErrors() {
        DesiredChange first = apply(snapshot(parsed("a.yaml", "web", "u1"), parsed("b.yaml", "db", "u2")));
        DesiredChange second = apply(snapshot(invalid("a.yaml"), parsed("c.yaml", "cache", "u3")));
        DesiredChange third = apply(snapshot(invalid("a.yaml"), parsed("c.yaml", "cache", "u3")));

        assertThat(first.changed()).extracting(StaticPod::uid).containsExactly("u1", "u2");
        assertThat(first.removed()).isEmpty();
        assertThat(first.allSourcesSeen()).isTrue();
        assertThat(second.changed()).extracting(StaticPod::uid).containsExactly("u3");
        assertThat(second.removed()).containsExactly(new PodKey("default", "db-n1"));
        assertThat(second.manifestErrors()).containsOnlyKeys(new PodKey("default", "web-n1"));
        assertThat(second.manifestErrors().get(new PodKey("default", "web-n1"))).contains("/m/a.yaml", "broken");
        assertThat(second.pods()).containsOnlyKeys(new PodKey("default", "web-n1"), new PodKey("default", "cache-n1"));
        assertThat(third.isEmpty()).isTrue();
        assertThat(third.manifestErrors()).isEqualTo(second.manifestErrors());
    }

    @Test
    void aPodThatPinsItsUidIsUpdatedWhenItsContentChanges() {
        apply(snapshot(parsed("a.yaml", "web", "pinned")));
        ParseResult edited = parsed("a.yaml", "web", "pinned", "{\"spec\":{\"containers\":[{\"image\":\"b\"}]}}");

        DesiredChange change = apply(snapshot(edited));

        assertThat(change.changed()).extracting(StaticPod::uid).containsExactly("pinned");
        assertThat(events).containsExactly("changed default/web-n1 pinned", "changed default/web-n1 pinned");
    }

    private static SourceSnapshot snapshot(ParseResult... results) {
        return new SourceSnapshot(List.of(results), true);
    }

    private static ParseResult invalid(String file) {
        Path p = Path.of("/m", file);
        return new ParseResult.Invalid(p, List.of(new ManifestProblem(p, 3, "spec", "broken")), List.of());
    }

    static ParseResult parsed(String file, String name, String uid) {
        return parsed(file, name, uid, "{}");
    }

    static ParseResult parsed(String file, String name, String uid, String tree) {
        Container c = new Container("app", "busybox", null, null, null, null, null, null, null);
        PodSpec spec = new PodSpec(null, List.of(c), null, RestartPolicy.Always, 30, false, false, false, null, "n1");
        Pod pod = new Pod("v1", "Pod", new ObjectMeta(name + "-n1", "default", uid, null, null), spec);
        StaticPod sp = new StaticPod(new PodKey("default", name + "-n1"), uid, Path.of("/m", file), pod,
                readTree(tree));
        return new ParseResult.Parsed(sp, List.of());
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode readTree(String json) {
        try {
            return (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
