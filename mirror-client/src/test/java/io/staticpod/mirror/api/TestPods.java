package io.staticpod.mirror.api;

import io.staticpod.manifest.ManifestReader;
import io.staticpod.manifest.ParseResult;
import io.staticpod.manifest.PodKey;
import io.staticpod.manifest.StaticPod;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Static pods for tests, read by the real manifest reader. */
final class TestPods {
    static final String NODE = "node-1";

    private TestPods() {
    }

    /** A pod named {@code name} (mirror {@code name-node-1}) in {@code namespace} running {@code image}. */
    static StaticPod pod(String namespace, String name, String image) {
        String yaml = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: %s
                  labels:
                    app: %s
                spec:
                  hostNetwork: true
                  containers:
                  - name: app
                    image: %s
                    command: ["sh", "-c", "sleep 3600"]
                """.formatted(name, namespace, name, image);
        Path file = Path.of("/etc/kubernetes/manifests/" + name + ".yaml");
        ParseResult r = new ManifestReader(NODE).parse(file, yaml.getBytes(StandardCharsets.UTF_8));
        if (!(r instanceof ParseResult.Parsed p)) {
            throw new AssertionError("test manifest is invalid: " + r);
        }
        return p.pod();
    }

    static Map<PodKey, StaticPod> desired(StaticPod... pods) {
        return Arrays.stream(pods).collect(Collectors.toMap(StaticPod::key, Function.identity()));
    }
}
