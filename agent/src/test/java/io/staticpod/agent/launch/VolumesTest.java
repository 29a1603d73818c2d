package io.staticpod.agent.launch;

import io.staticpod.agent.testing.FakeHostMounts;
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

        Map<String, Path> paths = new Volumes(root, new FakeHostMounts()).prepare(pod);

        assertThat(Files.readString(paths.get("info").resolve("labels"))).isEqualTo("tier=\"db\"\n");
        assertThat(Files.readString(paths.get("info").resolve("meta/name"))).isEqualTo("web-n1");
    }

    @Test
    void checksHostPathTypes() {
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: d, hostPath: {path: %s, type: Directory}}
                """.formatted(root.resolve("missing")));

        assertThatThrownBy(() -> new Volumes(root, new FakeHostMounts()).prepare(pod))
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

        assertThatThrownBy(() -> new Volumes(root, new FakeHostMounts()).prepare(pod))
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

        Map<String, Path> paths = new Volumes(root, new FakeHostMounts()).prepare(pod);

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

        Map<String, Path> paths = new Volumes(root, new FakeHostMounts()).prepare(pod);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.get("info").resolve("labels"))))
                .isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths.get("info").resolve("secretish"))))
                .isEqualTo("r--------");
        assertThat(PosixFilePermissions.toString(Volumes.permissions(0755))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void anInMemoryEmptyDirIsATmpfsOfItsSizeLimitMountedOnceOnTheVolumesDirectory() throws Exception {
        FakeHostMounts mounts = new FakeHostMounts();
        Volumes volumes = new Volumes(root, mounts);
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: cache, emptyDir: {medium: Memory, sizeLimit: 64Mi}}
                  - {name: big, emptyDir: {medium: Memory}}
                  - {name: scratch, emptyDir: {}}
                """);

        Map<String, Path> paths = volumes.prepare(pod);
        volumes.prepare(pod); // the pod prepared again, as after a restart of its containers

        Path emptyDirs = root.resolve("pods").resolve(pod.uid()).resolve("volumes/empty-dir");
        assertThat(paths).containsEntry("cache", emptyDirs.resolve("cache")).containsEntry("big",
                emptyDirs.resolve("big"));
        assertThat(mounts.sizeAt(emptyDirs.resolve("cache"))).contains(64L << 20);
        assertThat(mounts.sizeAt(emptyDirs.resolve("big"))).as("tmpfs's own default").contains(-1L);
        assertThat(mounts.sizeAt(emptyDirs.resolve("scratch"))).as("a disk emptyDir is a directory").isEmpty();
        assertThat(mounts.calls).containsExactlyInAnyOrder("mount " + emptyDirs.resolve("cache") + " size=67108864",
                "mount " + emptyDirs.resolve("big") + " size=default");
    }

    @Test
    void removingThePodsStateUnmountsItsInMemoryEmptyDirsFirst() throws Exception {
        FakeHostMounts mounts = new FakeHostMounts();
        Volumes volumes = new Volumes(root, mounts);
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: cache, emptyDir: {medium: Memory, sizeLimit: 1Mi}}
                  - {name: scratch, emptyDir: {}}
                """);
        Map<String, Path> paths = volumes.prepare(pod);
        mounts.calls.clear();

        volumes.cleanup(pod.uid());

        assertThat(mounts.calls).containsExactly("umount " + paths.get("cache"));
        assertThat(mounts.mountedPaths()).isEmpty();
        assertThat(volumes.podDir(pod.uid())).doesNotExist();
    }

    @Test
    void aMountThatFailsNamesTheVolumeAndThePathAndThePodKeepsItsOtherState() throws Exception {
        FakeHostMounts mounts = new FakeHostMounts();
        Volumes volumes = new Volumes(root, mounts);
        StaticPod pod = TestPods.podWith("""
                  volumes:
                  - {name: scratch, emptyDir: {}}
                  - {name: cache, emptyDir: {medium: Memory, sizeLimit: 1Mi}}
                """);
        Path scratch = volumes.podDir(pod.uid()).resolve("volumes/empty-dir/scratch");
        Files.createDirectories(scratch);
        Files.writeString(scratch.resolve("kept"), "what a container wrote");
        mounts.refuseMounts("mount: only root can use \"--types\" option");

        Path cache = volumes.podDir(pod.uid()).resolve("volumes/empty-dir/cache");
        assertThatThrownBy(() -> volumes.prepare(pod)).isInstanceOf(LaunchException.class)
                .hasMessage("volume cache: cannot mount a tmpfs for emptyDir medium Memory on " + cache
                        + ": mount: only root can use \"--types\" option");
        assertThat(scratch.resolve("kept")).hasContent("what a container wrote");
        assertThat(cache).isDirectory();
        assertThat(mounts.mountedPaths()).isEmpty();

        mounts.refuseMounts(null);
        assertThat(volumes.prepare(pod)).containsEntry("cache", cache);
        assertThat(mounts.sizeAt(cache)).contains(1L << 20);
        assertThat(scratch.resolve("kept")).hasContent("what a container wrote");
    }
}
