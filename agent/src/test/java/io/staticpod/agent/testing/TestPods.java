package io.staticpod.agent.testing;

import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.StaticPod;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Static pods for tests, read by the real manifest reader on node {@value #NODE}. */
public final class TestPods {
    public static final String NODE = "n1";
    public static final String PAUSE = "pause:test";
    public static final String BUSYBOX = "busybox:test";

    private TestPods() {
    }

    /** A pod whose one container {@code app} sleeps, with {@code extraSpec} lines added under {@code spec:}. */
    public static StaticPod pod(String name, String extraSpec) {
        return parse(name, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                spec:
                  containers:
                  - name: app
                    image: %s
                    command: ["sleep", "3600"]
                %s
                """.formatted(name, BUSYBOX, extraSpec));
    }

    /** A pod named web, labelled tier=db, whose only container has {@code containerLines} added. */
    public static StaticPod podWith(String containerLines) {
        return parse("web", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  labels: {tier: db}
                spec:
                  containers:
                  - name: app
                    image: %s
                %s""".formatted(BUSYBOX, containerLines));
    }

    /** Any manifest, read from {@code /m/<name>.yaml}. */
    public static StaticPod parse(String name, String yaml) {
        ParseResult r = new ManifestReader(NODE).parse(Path.of("/m/" + name + ".yaml"),
                yaml.getBytes(StandardCharsets.UTF_8));
        assertThat(r).as(r.toString()).isInstanceOf(ParseResult.Parsed.class);
        return ((ParseResult.Parsed) r).pod();
    }
}
