package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static io.staticpod.manifest.TestManifests.FILE;
import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.NODE;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.errors;
import static io.staticpod.manifest.TestManifests.parse;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** The YAML layer: syntax errors with lines, safe limits, documents, encodings, JSON. */
class YamlSafetyTest {

    @Test
    void syntaxErrorNamesTheLineAndTheParsersMessage() {
        String broken = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {app: web
                spec:
                  containers: []
                """;
        assertThat(errors(broken)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).startsWith("invalid YAML: ").contains("flow mapping");
        });
    }

    @Test
    void missingColonIsReportedAtItsLine() {
        String broken = MINIMAL.replace("    image: busybox:1.36", "    image busybox:1.36\n    tty: true");
        assertThat(errors(broken)).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.message()).isEqualTo("invalid YAML: while scanning a simple key: could not find expected ':'");
        });
    }

    @Test
    void aliasBombIsRefusedQuickly() {
        StringBuilder bomb = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'j'; c++) {
            char p = (char) (c - 1);
            bomb.append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(p);
            }
            bomb.append("]\n");
        }
        ManifestProblem problem = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> errors(bomb.toString()).get(0));
        assertThat(problem.message()).contains("aliases");
    }

    @Test
    void deepFlowNestingIsRefusedQuickly() {
        String deep = "a: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";
        ManifestProblem problem = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> errors(deep).get(0));
        assertThat(problem.message()).contains("nested more than 100 levels");
    }

    @Test
    void deepBlockNestingIsRefusedQuickly() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            deep.append(" ".repeat(i)).append("k").append(i).append(":\n");
        }
        ManifestProblem problem = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> errors(deep.toString()).get(0));
        assertThat(problem.message()).contains("nested more than 100 levels");
        assertThat(problem.line()).isEqualTo(101);
    }

    @Test
    void aliasExpansionIsCappedInValues() {
        String big = "a: &a [" + "1,".repeat(30_000) + "1]\nb: [" + "*a,".repeat(40) + "*a]\n";
        // a budget that does not end the read first, whatever the machine's load: the cap is what is tested here
        ManifestReader reader = new ManifestReader(NODE, new ParseBudget(Duration.ofMinutes(10), Long.MAX_VALUE));
        ManifestProblem problem = assertTimeoutPreemptively(Duration.ofMinutes(2), () -> ((ParseResult.Invalid)
                reader.parse(FILE, big.getBytes(StandardCharsets.UTF_8))).errors().get(0));
        assertThat(problem.message()).contains("values once aliases are expanded");
    }

    @Test
    void aRecursiveAliasIsRefused() {
        ManifestProblem problem = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> errors("a: &a [*a]\n").get(0));
        assertThat(problem.message()).contains("refers to the list or mapping that contains it (a cycle)");
    }

    @Test
    void randomDamageNeverThrows() {
        java.util.Random random = new java.util.Random(42);
        byte[] original = (MINIMAL + "    ports: [{containerPort: 80}]\n").getBytes(StandardCharsets.UTF_8);
        ManifestReader reader = new ManifestReader(NODE);
        for (int i = 0; i < 2_000; i++) {
            byte[] damaged = original.clone();
            for (int j = 0; j < 1 + random.nextInt(4); j++) {
                damaged[random.nextInt(damaged.length)] = (byte) " :-[]{}&*!|>'\"#\nax0\t".charAt(random.nextInt(20));
            }
            ParseResult result = reader.parse(FILE, damaged);
            if (result instanceof ParseResult.Invalid invalid) {
                assertThat(invalid.errors()).allSatisfy(e ->
                        assertThat(e.message()).doesNotContain("please report this as a bug"));
            }
        }
    }

    @Test
    void problemsPrintAsFileLineFieldMessage() {
        assertThat(errors(MINIMAL.replace("image: busybox:1.36", "image: \"\"")).get(0)).hasToString(
                "/etc/kubernetes/manifests/test.yaml:8: spec.containers[0].image: required");
    }

    @Test
    void aliasesWithinLimitsAreExpanded() {
        StaticPod pod = parsed(MINIMAL.replace("image: busybox:1.36", "image: &img busybox:1.36")
                + "  - name: sidecar\n    image: *img\n");
        assertThat(pod.pod().spec().containers().get(1).image()).isEqualTo("busybox:1.36");
    }

    @Test
    void onlyTheFirstDocumentIsUsedAndMoreAreAWarning() {
        ParseResult result = parse(MINIMAL + "---\n" + MINIMAL.replace("name: web", "name: other"));
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
        assertThat(((ParseResult.Parsed) result).pod().key().name()).isEqualTo("web-node-1");
        assertThat(result.warnings()).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(9);
            assertThat(w.message()).contains("only the first is used");
        });
    }

    @Test
    void aBrokenSecondDocumentIsOnlyAWarning() {
        ParseResult result = parse(MINIMAL + "---\nfoo: [\n");
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
        assertThat(result.warnings()).hasSize(1);
    }

    @Test
    void aTrailingDocumentMarkerIsNotWarnedAbout() {
        assertThat(parse("---\n" + MINIMAL + "---\n").warnings()).isEmpty();
    }

    @Test
    void duplicateKeysAreErrorsNamingBothLines() {
        String dup = MINIMAL.replace("    image: busybox:1.36", "    image: busybox:1.36\n    image: nginx");
        assertThat(errorLines(dup)).containsExactly(
                "9: spec.containers[0].image: duplicate key \"image\" (first at line 8): remove one");
    }

    @Test
    void jsonIsReadAsYaml() {
        String json = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                 "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]}}
                """;
        assertThat(parsed(json).uid()).isEqualTo(parsed(MINIMAL).uid());
    }

    @Test
    void jsonErrorsNameTheirLine() {
        String json = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                 "spec": {"containers": [{"name": "app",
                   "image": ""}]}}
                """;
        assertThat(errorLines(json)).containsExactly("3: spec.containers[0].image: required");
    }

    @Test
    void invalidUtf8IsAClearErrorWithItsLine() {
        byte[] good = MINIMAL.getBytes(StandardCharsets.UTF_8);
        byte[] bad = MINIMAL.replace("name: web", "name: w\u00e9b").getBytes(StandardCharsets.UTF_8);
        int at = new String(bad, StandardCharsets.ISO_8859_1).indexOf("w\u00c3") + 1;
        bad[at + 1] = (byte) 0x28; // 0xC3 0x28: a broken two-byte sequence
        ParseResult result = new ManifestReader(NODE).parse(FILE, bad);
        assertThat(((ParseResult.Invalid) result).errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).startsWith("invalid UTF-8 at offset").endsWith("save the file as UTF-8");
        });
        assertThat(new ManifestReader(NODE).parse(FILE, good)).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void nulBytesAreRefused() {
        byte[] bytes = (MINIMAL + "\0").getBytes(StandardCharsets.UTF_8);
        ParseResult result = new ManifestReader(NODE).parse(FILE, bytes);
        assertThat(((ParseResult.Invalid) result).errors().get(0).message()).contains("NUL byte");
    }

    @Test
    void aUtf8ByteOrderMarkIsAccepted() {
        byte[] bom = ("\uFEFF" + MINIMAL).getBytes(StandardCharsets.UTF_8);
        assertThat(new ManifestReader(NODE).parse(FILE, bom)).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void anEmptyFileIsAnError() {
        assertThat(errorLines("# nothing here\n")).containsExactly(
                "1: empty manifest: expected one Pod (apiVersion: v1, kind: Pod)");
        assertThat(errors("")).hasSize(1);
    }

    @Test
    void aListAtTheTopIsNotAPod() {
        assertThat(errors("- a\n- b\n").get(0).message()).startsWith("not a Pod manifest").contains("found a list");
    }

    @Test
    void scalarsFollowTheYaml12CoreSchema() {
        // YAML 1.1's yes/no are strings in YAML 1.2: a boolean field says so
        assertThat(errorLines(MINIMAL + "  hostNetwork: yes\n")).containsExactly(
                "9: spec.hostNetwork: must be true or false, got the string \"yes\"");
        assertThat(parsed(MINIMAL + "  terminationGracePeriodSeconds: 0x1E\n").pod().spec()
                .terminationGracePeriodSeconds()).isEqualTo(30);
        assertThat(parsed(MINIMAL + "  hostNetwork: True\n").pod().spec().hostNetwork()).isTrue();
    }
}
