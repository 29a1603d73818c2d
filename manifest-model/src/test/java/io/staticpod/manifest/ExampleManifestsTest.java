package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/** Every file of {@code examples/manifests/} parses, and its UID is pinned by {@code golden-uids.txt}. */
class ExampleManifestsTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "manifests");
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden-uids.txt");
    private static final String GOLDEN_NODE = "golden-node";

    @Test
    void everyExampleManifestIsValidWithoutWarnings() throws IOException {
        List<Path> files = exampleFiles();
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            ParseResult result = parse(file);
            assertThat(result).as("%s: %s", file, result).isInstanceOf(ParseResult.Parsed.class);
            assertThat(result.warnings()).as("warnings of %s", file).isEmpty();
        }
    }

    @Test
    void exampleUidsMatchTheGoldenFile() throws IOException {
        Map<String, String> actual = new TreeMap<>();
        for (Path file : exampleFiles()) {
            ParseResult result = parse(file);
            if (result instanceof ParseResult.Parsed parsed) {
                actual.put(file.getFileName().toString(), parsed.pod().uid());
            }
        }
        if (Boolean.getBoolean("golden.update")) {
            StringBuilder out = new StringBuilder("# <file> <uid>: pod UIDs of examples/manifests on node \""
                    + GOLDEN_NODE + "\". Regenerate: mvn -pl manifest-model test -Dgolden.update=true\n");
            actual.forEach((name, uid) -> out.append(name).append(' ').append(uid).append('\n'));
            Files.writeString(GOLDEN, out);
            return;
        }
        Map<String, String> golden = readGolden();
        if (!actual.equals(golden)) {
            fail("""
                    The pod UIDs of examples/manifests changed.
                      expected (golden-uids.txt): %s
                      actual:                     %s
                    A pod's UID is its identity: after an upgrade, every static pod whose UID changed is stopped and \
                    started again on every node. If that is intended (a deliberate change of the hashed encoding or \
                    the defaults, called out in the release notes), regenerate the file with
                      mvn -B -pl manifest-model test -Dtest=ExampleManifestsTest -Dgolden.update=true
                    and commit it; if not, the change to PodIdentity, PodDefaults or the reader is a bug.""",
                    golden, actual);
        }
    }

    private static ParseResult parse(Path file) throws IOException {
        Path asInstalled = Path.of("/etc/kubernetes/manifests", file.getFileName().toString());
        return new ManifestReader(GOLDEN_NODE).parse(asInstalled, Files.readAllBytes(file));
    }

    private static List<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    private static Map<String, String> readGolden() throws IOException {
        Map<String, String> golden = new TreeMap<>();
        for (String line : Files.readAllLines(GOLDEN)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.trim().split("\\s+");
                golden.put(parts[0], parts[1]);
            }
        }
        return golden;
    }
}
