package io.staticpod.manifest;

import io.staticpod.manifest.model.Container;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The container and sandbox hashes of {@code examples/manifests/} and {@code src/test/resources/hash-manifests/} are
 * pinned by {@code golden-hashes.txt}: a change to the encoding, to a default or to the binding shows in review.
 */
class IdentityGoldenTest {
    private static final List<Path> DIRECTORIES = List.of(Path.of("..", "examples", "manifests"),
            Path.of("src", "test", "resources", "hash-manifests"));
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden-hashes.txt");
    private static final String GOLDEN_NODE = "golden-node";

    @Test
    void containerAndSandboxHashesMatchTheGoldenFile() throws IOException {
        List<String> actual = new ArrayList<>();
        for (Path file : files()) {
            StaticPod pod = parse(file);
            String name = file.getFileName().toString();
            actual.add(name + " POD " + PodIdentity.sandboxHash(pod.pod()));
            for (Container c : pod.pod().spec().allContainers()) {
                actual.add(name + " " + c.name() + " " + PodIdentity.containerHash(c));
            }
        }
        if (Boolean.getBoolean("golden.update")) {
            List<String> out = new ArrayList<>(List.of("# <file> <container, or POD for the sandbox> <hash>: on node \""
                    + GOLDEN_NODE + "\". Regenerate: mvn -pl manifest-model test -Dtest=IdentityGoldenTest"
                    + " -Dgolden.update=true"));
            out.addAll(actual);
            Files.write(GOLDEN, out);
            return;
        }
        List<String> golden = Files.readAllLines(GOLDEN).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        if (!actual.equals(golden)) {
            fail("""
                    The container or sandbox hashes changed.
                      expected (golden-hashes.txt): %s
                      actual:                       %s
                    A container whose hash changed is replaced on every node after an upgrade (a sandbox: the whole \
                    pod). If that is intended (a deliberate change of the encoding in PodIdentity, IdentityTrees or \
                    the typed defaults, called out in the release notes), regenerate the file with
                      mvn -B -pl manifest-model test -Dtest=IdentityGoldenTest -Dgolden.update=true
                    and commit it; if not, the change is a bug.""", golden, actual);
        }
    }

    @Test
    void theGoldenFileCoversEveryHashedManifest() throws IOException {
        assertThat(files()).extracting(f -> f.getFileName().toString())
                .contains("every-field.yaml", "kube-apiserver.yaml", "two-containers.yaml");
    }

    private static StaticPod parse(Path file) throws IOException {
        Path asInstalled = Path.of("/etc/kubernetes/manifests", file.getFileName().toString());
        ParseResult result = new ManifestReader(GOLDEN_NODE).parse(asInstalled, Files.readAllBytes(file));
        assertThat(result).as("%s", result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).pod();
    }

    private static List<Path> files() throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path dir : DIRECTORIES) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("."))
                        .sorted().forEach(all::add);
            }
        }
        return all;
    }
}
