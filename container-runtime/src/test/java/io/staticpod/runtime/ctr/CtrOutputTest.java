package io.staticpod.runtime.ctr;

import io.staticpod.runtime.exec.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.staticpod.runtime.exec.FakeCommandRunner.resource;
import static org.assertj.core.api.Assertions.assertThat;

/** Parsing real saved ctr 1.6.20 output, and reading meaning into its errors. */
class CtrOutputTest {

    static final String RUNNING = "26c7b657ab64f392171d2ca2ee451ee4ad546e6017f93b37c410e007753f0814";
    static final String EXITED = "cdd2fbda697f64834dbc8a140f700e2f1c99b0e5329a067b3bc21bad671e1825";
    static final String BUSYBOX = "static-pod-agent.local/busybox:1.35";
    static final String BUSYBOX_MANIFEST = "sha256:3f1e8d9a895e512fcd5773d2d0157e7102a464ab0f99e745e735dc268513fd0a";
    static final String BUSYBOX_ID = "sha256:7133297c8fa9d9f7a331e26a4d95df818f619c31df66e47c894ec213c3d130a1";

    @TempDir
    Path dir;

    static CommandResult failed(String stderr) {
        return new CommandResult(List.of("ctr"), 1, "", stderr);
    }

    @Test
    void tasksLsGivesPidAndStatusByContainer() {
        var tasks = CtrOutput.tasks(resource("containerd/tasks-ls.txt"));

        assertThat(tasks).hasSize(2);
        assertThat(tasks.get(CtrOutputTest.RUNNING)).satisfies(t -> {
            assertThat(t.pid()).isEqualTo(5390);
            assertThat(t.running()).isTrue();
        });
        assertThat(tasks.get(CtrOutputTest.EXITED).stopped()).isTrue();
        assertThat(CtrOutput.tasks("TASK    PID    STATUS    \n")).isEmpty();
    }

    @Test
    void imagesLsGivesTheDigestOfTheExactReference() {
        assertThat(CtrOutput.imageDigest(resource("containerd/images-ls-busybox.txt"), CtrOutputTest.BUSYBOX))
                .contains(CtrOutputTest.BUSYBOX_MANIFEST);
        assertThat(CtrOutput.imageDigest(resource("containerd/images-ls-busybox.txt"), "static-pod-agent.local/busybox"))
                .isEmpty();
        assertThat(CtrOutput.imageDigest(resource("containerd/images-ls-empty.txt"), CtrOutputTest.BUSYBOX)).isEmpty();
    }

    @Test
    void manifestsLeadToTheConfigAndIndexesToThePlatformsManifest() {
        assertThat(CtrOutput.child(resource("containerd/manifest-busybox.json"), "linux", "amd64"))
                .isEqualTo(new CtrOutput.Child(CtrOutputTest.BUSYBOX_ID, true));
        String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"digest\":\"sha256:arm\",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"digest\":\"sha256:amd\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        assertThat(CtrOutput.child(index, "linux", "amd64")).isEqualTo(new CtrOutput.Child("sha256:amd", false));
        assertThat(CtrOutput.child(index, "linux", "s390x")).isEqualTo(new CtrOutput.Child("sha256:arm", false));
    }

    @Test
    void imageConfigsGiveEntrypointAndCmd() {
        assertThat(CtrOutput.imageConfig("sha256:b", resource("containerd/config-busybox.json"))).satisfies(c -> {
            assertThat(c.entrypoint()).isEmpty();
            assertThat(c.cmd()).containsExactly("sh");
        });
        assertThat(CtrOutput.imageConfig("sha256:p", resource("containerd/config-pause.json")).entrypoint())
                .containsExactly("/pause");
    }

    @Test
    void containersInfoGivesLabelsImageAndCreationTime() {
        CtrOutput.Container c = CtrOutput.container(resource("containerd/info-running.json"));

        assertThat(c.id()).isEqualTo(CtrOutputTest.RUNNING);
        assertThat(c.image()).isEqualTo(CtrOutputTest.BUSYBOX);
        assertThat(c.label(CtrLabels.NAME)).isEqualTo("k8s_app_web-n1_default_uid_0");
        assertThat(CtrLabels.visible(c.labels())).containsOnlyKeys("io.kubernetes.pod.name",
                "io.kubernetes.container.name");
    }

    @Test
    void deletedTasksTellTheirExitStatusByAWarningOrByNothingForZero() {
        assertThat(CtrErrors.exitStatusOfDeletedTask(new CommandResult(List.of("ctr"), 0, "",
                resource("containerd/tasks-delete-exit-3.stderr")))).isEqualTo(3);
        assertThat(CtrErrors.exitStatusOfDeletedTask(new CommandResult(List.of("ctr"), 0, "",
                resource("containerd/tasks-delete-exit-137.stderr")))).isEqualTo(137);
        assertThat(CtrErrors.exitStatusOfDeletedTask(new CommandResult(List.of("ctr"), 0, "", ""))).isZero();
    }

    @Test
    void notFoundIsEveryFlavourOfMissingContainerTaskOrProcessAndNothingElse() {
        for (String file : List.of("info-missing", "containers-delete-missing", "tasks-delete-no-task",
                "tasks-kill-no-task", "tasks-kill-finished")) {
            assertThat(CtrErrors.isNotFound(failed(resource("containerd/" + file + ".stderr")))).as(file).isTrue();
        }
        assertThat(CtrErrors.isNotFound(failed(resource("containerd/run-nonexistent.stderr")))).isFalse();
        assertThat(CtrErrors.isNotFound(failed(resource("containerd/images-pull-no-registry.stderr")))).isFalse();
        assertThat(CtrErrors.isImageNotFound(failed(resource("containerd/run-missing-image.stderr")))).isTrue();
        assertThat(CtrErrors.errorLine(failed(resource("containerd/containers-delete-missing.stderr"))))
                .isEqualTo("ctr: container \"nothere\" in namespace \"static-pod-agent\": not found");
    }

    @Test
    void theVersionIsTheServers() {
        assertThat(CtrOutput.serverVersion(resource("containerd/version.txt"))).contains("1.6.20~ds1");
        assertThat(CtrOutput.serverVersion("Client:\n  Version:  1.6.20~ds1\n")).isEmpty();
    }

    @Test
    void theLogUriRunsTwoCatsUnderShAppendingToTheFile() {
        URI uri = URI.create(CtrFlags.logUri(Path.of("/var/log/it's here/abc.log")));

        assertThat(uri.getScheme()).isEqualTo("binary");
        assertThat(uri.getPath()).isEqualTo("/bin/sh");
        assertThat(URLDecoder.decode(uri.getRawQuery(), StandardCharsets.UTF_8)).isEqualTo("-c=exec 5>&-;"
                + " cat <&3 >>'/var/log/it'\\''s here/abc.log' 4<&- & cat <&4 >>'/var/log/it'\\''s here/abc.log' 3<&- & wait");
    }

    @Test
    void anOomKillIsReadFromTheMemoryCgroupOfV1OrV2() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("v1/memory/ns/id"));
        Files.writeString(v1.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        Path v2 = Files.createDirectories(dir.resolve("v2/ns/id"));
        Files.writeString(v2.resolve("memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 0\n");

        assertThat(CgroupOom.killed(dir.resolve("v1"), "ns", "id")).isTrue();
        assertThat(CgroupOom.killed(dir.resolve("v2"), "ns", "id")).isFalse();
        assertThat(CgroupOom.killed(dir.resolve("none"), "ns", "id")).isFalse();
    }
}
