package io.staticpod.agent.launch;

import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    @Test
    void aResourceInADownwardApiVolumeIsRefusedNamingTheItem() {
        StaticPod pod = TestPods.podWith("""
                    resources: {limits: {memory: 64Mi}}
                  volumes:
                  - name: info
                    downwardAPI:
                      items:
                      - {path: mem, resourceFieldRef: {containerName: app, resource: limits.memory}}
                """);

        assertThatThrownBy(() -> new Volumes(root).prepare(pod))
                .hasMessageContaining("volume info: item mem: field (resourceFieldRef) is not supported");
    }

    @Test
    void hostPathsAreCheckedAndCreatedByTheirType() throws Exception {
        Path dir = root.resolve("made/dir");
        Path file = root.resolve("made/file");
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: d, hostPath: {path: %s, type: DirectoryOrCreate}}
                  - {name: f, hostPath: {path: %s, type: FileOrCreate}}
                  - {name: any, hostPath: {path: %s}}
                  - {name: scratch, emptyDir: {}}
                """.formatted(dir, file, root.resolve("not-there")));

        Map<String, Path> paths = new Volumes(root).prepare(pod);

        assertThat(dir).isDirectory();
        assertThat(file).isRegularFile();
        assertThat(paths).containsEntry("d", dir).containsEntry("f", file)
                .containsEntry("any", root.resolve("not-there"));
        assertThat(paths.get("scratch")).isDirectory().startsWith(root.resolve("pods").resolve(pod.uid()));
    }

    @Test
    void downwardApiFilesGetTheirModeReadAsOctal() throws Exception {
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - name: info
                    downwardAPI:
                      defaultMode: 0644
                      items:
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: secretish, fieldRef: {fieldPath: metadata.uid}, mode: 0400}
                """);

        Map<String, Path> paths = new Volumes(root).prepare(pod);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.get("info").resolve("labels"))))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.get("info").resolve("secretish"))))
                .isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Volumes.permissions(0755))).isEqualTo("rwxr-xr-x");
    }
}
