package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Aliases and merge keys that refer to what contains them. snakeyaml-engine 2.10 loops for ever on a mapping that
 * merges itself ({@code MergeUtils.flatten}); each test is guarded so that a regression fails instead of hanging.
 */
class CyclicAliasTest {
    static final Duration HANG = Duration.ofSeconds(30);
    static final Path FILE = Path.of("/etc/kubernetes/manifests/selfmerge.yaml");
    /** The manifest of issue 15, as it was reported. */
    static final String SELF_MERGE = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: selfmerge
              labels: &lbl
                <<: *lbl
            spec:
              containers:
              - name: a
                image: busybox:latest
            """;

    private static java.util.List<String> errorsOf(String text) {
        return assertTimeoutPreemptively(HANG, () -> errorLines(text));
    }

    @Test
    void aMappingThatMergesItselfIsOneErrorNamingTheFileLineFieldAndAnchor() {
        ParseResult result = assertTimeoutPreemptively(HANG, () -> new ManifestReader("node-1")
                .parse(FILE, SELF_MERGE.getBytes(StandardCharsets.UTF_8)));

        assertThat(result).isInstanceOfSatisfying(ParseResult.Invalid.class, i -> assertThat(i.errors())
                .singleElement().hasToString(FILE + ":6: metadata.labels: alias *lbl refers to the mapping that"
                        + " contains it (a cycle); a manifest cannot contain itself: refer to an anchor outside this"
                        + " mapping, or write the values out"));
    }

    @Test
    void aMergeOfAListHoldingTheMappingItselfIsACycleToo() {
        assertThat(errorsOf(SELF_MERGE.replace("<<: *lbl", "<<: [{team: a}, *lbl]"))).containsExactly(
                "6: metadata.labels: alias *lbl refers to the mapping that contains it (a cycle); a manifest cannot"
                        + " contain itself: refer to an anchor outside this mapping, or write the values out");
    }

    @Test
    void aMappingMergedIntoItsOwnChildIsACycle() {
        String text = MINIMAL.replace("metadata:", "metadata: &meta").replace("  name: web",
                "  name: web\n  annotations:\n    <<: *meta");
        assertThat(errorsOf(text)).singleElement().asString()
                .startsWith("6: metadata.annotations: alias *meta refers to the mapping that contains it (a cycle)");
    }

    @Test
    void anAliasInsideTheListItNamesIsACycleAtItsOwnPlace() {
        String text = MINIMAL.replace("  containers:", "  containers: &c").replace("    image: busybox:1.36",
                "    image: busybox:1.36\n    args: *c");
        assertThat(errorsOf(text)).singleElement().asString()
                .startsWith("9: spec.containers[0].args: alias *c refers to the list that contains it (a cycle)");
    }

    @Test
    void aMergeOfAMappingDefinedBeforeIsNoCycleNorIsAnAnchorRedefinedInside() {
        StaticPod pod = assertTimeoutPreemptively(HANG, () -> parsed(MINIMAL.replace("  name: web",
                "  name: web\n  labels: &app {app: web}\n  annotations:\n    <<: *app\n    note: merged")));
        assertThat(pod.pod().metadata().annotations()).containsEntry("app", "web").containsEntry("note", "merged");

        // the inner &x is the latest definition when *x is met, and it is closed by then
        StaticPod again = assertTimeoutPreemptively(HANG, () -> parsed(MINIMAL.replace("metadata:", "metadata: &x")
                .replace("  name: web", "  name: web\n  labels: &x {app: web}\n  annotations: {<<: *x}")));
        assertThat(again.pod().metadata().annotations()).containsEntry("app", "web");
    }

    @Test
    void aCycleInAFileThatIsNoManifestIsReportedWithoutItsAnchorOrKeys() {
        ParseResult result = assertTimeoutPreemptively(HANG, () -> new ManifestReader("node-1").parse(FILE,
                "password: &hunter2-SECRET-xyz\n  <<: *hunter2-SECRET-xyz\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(((ParseResult.Invalid) result).errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.field()).isEmpty();
            assertThat(p.message()).contains("a cycle", "nothing of it is shown")
                    .doesNotContain("hunter2", "SECRET", "password");
        });
    }

    @Test
    void aCycleComesBeforeAnyLaterProblemOfTheSameDocument() {
        String text = SELF_MERGE + "  - name: b\n    image: [\n";
        assertThat(errorsOf(text)).singleElement().asString().contains("(a cycle)");
    }
}
