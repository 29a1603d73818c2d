package io.staticpod.manifest;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input corpus: every file in {@code src/test/resources/bad-input} is read as the agent reads a manifest,
 * and must give exactly the problems its {@code <name>.expected} sidecar lists, within bounded memory and time.
 *
 * <p>Sidecar format, one item a line ({@code #} starts a comment):
 * <pre>
 * LINE | FIELD | message substring            an error (FIELD empty when the problem is the whole file)
 * warning LINE | FIELD | message substring    a warning
 * absent = TEXT                               no message may contain TEXT (case-insensitive)
 * node = NAME                                 the node name to read with (default node-1)
 * repeat = C COUNT                            the input's {@code @@REPEAT@@} stands for C repeated COUNT times
 * </pre>
 * Every error and warning must be expected, and every expectation met. Each problem names the file, and its line
 * when it has one; no message is longer than {@value #MESSAGE_MAX} characters or spans lines.
 */
class BadInputCorpusTest {
    static final String NODE = "node-1";
    static final int MESSAGE_MAX = 600;
    /** Resource bounds: a linear allowance per input byte plus a fixed one, and wall time. */
    static final long FIXED_BYTES = 16L << 20;
    static final long BYTES_PER_INPUT_BYTE = 32;
    static final long MAX_MILLIS = 5_000;

    record Expected(List<String[]> errors, List<String[]> warnings, List<String> absent, String node,
                    String repeat) {
    }

    @BeforeAll
    static void warmUp() {
        // class loading and first-use allocations are not the input's
        new ManifestReader(NODE).parse(Path.of("/warm-up.yaml"), TestManifests.MINIMAL.getBytes(StandardCharsets.UTF_8));
        new ManifestReader(NODE).parse(Path.of("/warm-up.yaml"), "a: [".getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path dir = Path.of(BadInputCorpusTest.class.getResource("/bad-input").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> inputs = files.filter(f -> !f.getFileName().toString().endsWith(".expected")).sorted().toList();
            assertThat(inputs).hasSizeGreaterThan(40);
            return inputs.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void eachBadInputGivesExactlyItsExpectedProblemsWithinBounds(Path input) throws IOException {
        Expected expected = expected(input);
        byte[] content = Files.readAllBytes(input);
        if (expected.repeat() != null) {
            String[] r = expected.repeat().split(" ");
            content = new String(content, StandardCharsets.UTF_8)
                    .replace("@@REPEAT@@", r[0].repeat(Integer.parseInt(r[1]))).getBytes(StandardCharsets.UTF_8);
        }
        ManifestReader reader = new ManifestReader(expected.node());

        long allocatedBefore = allocated();
        long start = System.nanoTime();
        ParseResult result = reader.parse(input, content);
        long millis = (System.nanoTime() - start) / 1_000_000;
        long allocated = allocated() - allocatedBefore;

        List<ManifestProblem> errors = result instanceof ParseResult.Invalid bad ? bad.errors() : List.of();
        List<ManifestProblem> all = new ArrayList<>(errors);
        all.addAll(result.warnings());
        assertThat(matches(errors, expected.errors())).as("errors of %s", input.getFileName()).isTrue();
        assertThat(matches(result.warnings(), expected.warnings())).as("warnings of %s", input.getFileName()).isTrue();
        for (ManifestProblem p : all) {
            assertThat(p.file()).isEqualTo(input);
            assertThat(p.toString()).startsWith(input + (p.line() > 0 ? ":" + p.line() + ": " : ": "));
            assertThat(p.message()).hasSizeLessThan(MESSAGE_MAX).doesNotContain("\n");
            for (String absent : expected.absent()) {
                assertThat(p.toString().toLowerCase(Locale.ROOT)).as("%s quotes the file's text", p)
                        .doesNotContain(absent.toLowerCase(Locale.ROOT));
            }
        }
        long bound = FIXED_BYTES + BYTES_PER_INPUT_BYTE * content.length;
        assertThat(allocated).as("bytes allocated reading %s (%d bytes)", input.getFileName(), content.length)
                .isLessThan(bound);
        assertThat(millis).as("milliseconds reading %s", input.getFileName()).isLessThan(MAX_MILLIS);
    }

    @Test
    void aFileOverTheLimitIsRefusedWithoutDecodingIt() {
        byte[] content = new byte[ManifestReader.MAX_BYTES + 1];
        long before = allocated();
        ParseResult result = new ManifestReader(NODE).parse(Path.of("/big.yaml"), content);
        assertThat(allocated() - before).isLessThan(1L << 20);
        assertThat(((ParseResult.Invalid) result).errors()).singleElement()
                .extracting(ManifestProblem::message).asString().startsWith("file too large: 10485761 bytes");
    }

    /** Each expectation met by a different problem, and no problem left over. */
    private static boolean matches(List<ManifestProblem> problems, List<String[]> expectations) {
        List<ManifestProblem> left = new ArrayList<>(problems);
        for (String[] e : expectations) {
            ManifestProblem hit = left.stream().filter(p -> p.line() == Integer.parseInt(e[0])
                    && p.field().equals(e[1]) && p.message().contains(e[2])).findFirst().orElse(null);
            if (hit == null) {
                System.err.println("expected " + String.join(" | ", e) + ", got: " + problems);
                return false;
            }
            left.remove(hit);
        }
        if (!left.isEmpty()) {
            System.err.println("not expected: " + left);
        }
        return left.isEmpty();
    }

    private static Expected expected(Path input) throws IOException {
        String name = input.getFileName().toString();
        String base = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
        Path sidecar = input.resolveSibling(base + ".expected");
        assertThat(sidecar).as("every corpus file has its .expected").exists();
        List<String[]> errors = new ArrayList<>();
        List<String[]> warnings = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        String node = NODE;
        String repeat = null;
        for (String line : Files.readAllLines(sidecar)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("absent = ")) {
                absent.add(line.substring(9));
            } else if (line.startsWith("node = ")) {
                node = line.substring(7);
            } else if (line.startsWith("repeat = ")) {
                repeat = line.substring(9);
            } else {
                boolean warning = line.startsWith("warning ");
                String[] parts = (warning ? line.substring(8) : line).split(" \\| ", 3);
                assertThat(parts).as("%s: LINE | FIELD | MESSAGE", line).hasSize(3);
                String[] e = {parts[0].strip(), parts[1].strip(), parts[2].strip()};
                (warning ? warnings : errors).add(e);
            }
        }
        return new Expected(errors, warnings, absent, node, repeat);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
