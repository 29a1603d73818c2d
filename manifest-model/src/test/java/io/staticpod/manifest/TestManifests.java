package io.staticpod.manifest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared helpers: parse a manifest written inline, and look at what came out. */
final class TestManifests {
    static final String NODE = "node-1";
    static final Path FILE = Path.of("/etc/kubernetes/manifests/test.yaml");

    /** A minimal valid pod, for tests to add to. */
    static final String MINIMAL = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: app
                image: busybox:1.36
            """;

    private TestManifests() {
    }

    static ParseResult parse(String text) {
        return parse(text, NODE, FILE);
    }

    static ParseResult parse(String text, String node, Path file) {
        return new ManifestReader(node).parse(file, text.getBytes(StandardCharsets.UTF_8));
    }

    static StaticPod parsed(String text) {
        ParseResult result = parse(text);
        assertThat(result).as("expected a valid manifest, got %s", result).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) result).pod();
    }

    static List<ManifestProblem> errors(String text) {
        ParseResult result = parse(text);
        assertThat(result).as("expected an invalid manifest").isInstanceOf(ParseResult.Invalid.class);
        return ((ParseResult.Invalid) result).errors();
    }

    /** Each error as {@code line: field: message} (without the file), for compact assertions. */
    static List<String> errorLines(String text) {
        return errors(text).stream().map(TestManifests::short_).toList();
    }

    static List<String> warningLines(String text) {
        return parse(text).warnings().stream().map(TestManifests::short_).toList();
    }

    static String short_(ManifestProblem p) {
        return p.toString().substring(FILE.toString().length() + 1);
    }
}
