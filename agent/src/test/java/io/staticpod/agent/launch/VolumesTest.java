package io.staticpod.agent.launch;

import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumesTest {
    @TempDir
    Path root;

    @Test
    void writesDownwardApiFilesAsTheKubeletDoes() throws Exception {
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - name: info
                    downwardAPI:
                      items:
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: meta/name, fieldRef: {fieldPath: metadata.name}}
                """);

        Map<String, Path> paths = new Volumes(root).prepare(pod);

        assertThat(Files.readString(paths.get("info").resolve("labels"))).isEqualTo("tier=\"db\"\n");
        assertThat(Files.readString(paths.get("info").resolve("meta/name"))).isEqualTo("web-n1");
    }

    @Test
    void checksHostPathTypes() {
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: d, hostPath: {path: %s, type: Directory}}
                """.formatted(root.resolve("missing")));

        assertThatThrownBy(() -> new Volumes(root).prepare(pod))
                .hasMessageContaining("hostPath type check failed").hasMessageContaining("is not a directory");
    }
}
