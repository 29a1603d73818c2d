package io.staticpod.agent.launch;

import io.staticpod.agent.testing.FakeHostMounts;
import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.PodIdentity;
import io.staticpod.manifest.StaticPod;
import io.staticpod.manifest.WellKnown;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A pod mapped onto the runtime's sandbox and container configs. */
class LaunchConfigsTest {
    @TempDir
    Path root;

    private LaunchConfigs configs(Path logs) {
        return new LaunchConfigs(TestPods.NODE, new Volumes(root.resolve("state"), new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.10", 2, 8L << 30), logs);
    }

    @Test
    void theSandboxCarriesTheKubeletsMetadataLabelsAndThePodsOwnLabelsAndAnnotations() throws Exception {
        StaticPod pod = TestPods.podWith("");

        SandboxConfig sandbox = configs(null).sandbox(pod, 2);

        assertThat(sandbox.metadata()).isEqualTo(new SandboxMetadata("web-n1", "default", pod.uid(), 2));
        assertThat(sandbox.hostname()).isEqualTo("web-n1");
        assertThat(sandbox.labels()).containsEntry(WellKnown.OWNER, TestPods.NODE)
                .containsEntry(WellKnown.POD_NAME, "web-n1").containsEntry(WellKnown.POD_NAMESPACE, "default")
                .containsEntry(WellKnown.POD_UID, pod.uid()).containsEntry(WellKnown.CONTAINER_NAME, "POD")
                .containsEntry("tier", "db");
        assertThat(sandbox.annotations()).containsEntry(WellKnown.CONFIG_HASH, pod.uid())
                .containsEntry(WellKnown.CONFIG_SOURCE, "file");
        assertThat(sandbox.logDirectory()).isNull();
        assertThat(sandbox.hostNetwork()).isFalse();
    }

    @Test
    void aHostNetworkPodHasASandboxOnTheNodesNetwork() throws Exception {
        StaticPod pod = TestPods.pod("hn", "  hostNetwork: true");

        SandboxConfig sandbox = configs(null).sandbox(pod, 0);

        assertThat(sandbox.namespaces().network()).isEqualTo(NamespaceMode.NODE);
        assertThat(sandbox.portMappings()).isEmpty();
    }

    @Test
    void aContainerCarriesTheKubeletsLabelsAndItsHashRestartCountAndGracePeriodAsAnnotations() throws Exception {
        StaticPod pod = TestPods.pod("web", "  terminationGracePeriodSeconds: 5");
        LaunchConfigs configs = configs(null);
        PodFiles files = configs.prepare(pod, "10.88.0.7");

        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 3, files);

        assertThat(c.name()).isEqualTo("app");
        assertThat(c.attempt()).isEqualTo(3);
        assertThat(c.command()).containsExactly("sleep", "3600");
        assertThat(c.labels()).containsEntry(WellKnown.OWNER, TestPods.NODE)
                .containsEntry(WellKnown.POD_NAME, "web-n1").containsEntry(WellKnown.POD_NAMESPACE, "default")
                .containsEntry(WellKnown.POD_UID, pod.uid()).containsEntry(WellKnown.CONTAINER_NAME, "app")
                .containsEntry(WellKnown.SOURCE_FILE_LABEL, "/m/web.yaml");
        assertThat(c.annotations())
                .containsEntry(WellKnown.CONTAINER_HASH, PodIdentity.containerHash(pod.pod().spec().containers().get(0)))
                .containsEntry(WellKnown.CONTAINER_RESTART_COUNT, "3")
                .containsEntry(WellKnown.POD_TERMINATION_GRACE_PERIOD, "5")
                .containsEntry(WellKnown.TERMINATION_MESSAGE_PATH, "/dev/termination-log");
        assertThat(c.logPath()).isNull();
    }

    @Test
    void everyContainerMountsThePodsHostsFileWithItsAddressAndHostAliasesAndItsTerminationLog() throws Exception {
        StaticPod pod = TestPods.podWith("""
                  hostAliases: [{ip: 10.0.0.2, hostnames: [db, db.local]}]
                """);
        LaunchConfigs configs = configs(null);

        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 0,
                configs.prepare(pod, "10.88.0.7"));

        Mount hosts = c.mounts().stream().filter(m -> m.containerPath().equals("/etc/hosts")).findFirst().orElseThrow();
        assertThat(Path.of(hosts.hostPath())).isEqualTo(root.resolve("state/pods/" + pod.uid() + "/etc-hosts"));
        assertThat(Files.readString(Path.of(hosts.hostPath()))).startsWith("# Kubernetes-managed hosts file.\n")
                .contains("127.0.0.1\tlocalhost\n", "10.88.0.7\tweb-n1\n")
                .endsWith("\n# Entries added by HostAliases.\n10.0.0.2\tdb\tdb.local\n");
        Mount log = c.mounts().stream().filter(m -> m.containerPath().equals("/dev/termination-log")).findFirst()
                .orElseThrow();
        assertThat(Path.of(log.hostPath())).isRegularFile().hasContent("");
    }

    @Test
    void aHostNetworkPodsHostsFileIsTheNodesWithTheAliases() throws Exception {
        StaticPod pod = TestPods.pod("hn", """
                  hostNetwork: true
                  hostAliases: [{ip: 10.0.0.2, hostnames: [db]}]
                """);
        LaunchConfigs configs = configs(null);

        String content = Files.readString(configs.prepare(pod, "192.0.2.10").etcHosts());

        assertThat(content).startsWith("# Kubernetes-managed hosts file (host network).\n")
                .contains(Files.readString(Path.of("/etc/hosts"))).endsWith("10.0.0.2\tdb\n");
    }

    @Test
    void aContainerThatMountsItsOwnHostsFileKeepsIt() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    volumeMounts: [{name: h, mountPath: /etc/hosts}]
                  volumes: [{name: h, hostPath: {path: /etc/hosts, type: File}}]
                """);
        LaunchConfigs configs = configs(null);

        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 0, configs.prepare(pod, null));

        assertThat(c.mounts()).filteredOn(m -> m.containerPath().equals("/etc/hosts"))
                .containsExactly(Mount.bind("/etc/hosts", "/etc/hosts", false));
    }

    @Test
    void withARuntimeThatWritesLogFilesTheyGoWhereTheKubeletPutsThem() throws Exception {
        StaticPod pod = TestPods.podWith("");
        Path logs = root.resolve("var/log/pods");
        LaunchConfigs configs = configs(logs);

        SandboxConfig sandbox = configs.sandbox(pod, 0);
        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 4, configs.prepare(pod, null));

        Path dir = logs.resolve("default_web-n1_" + pod.uid());
        assertThat(sandbox.logDirectory()).isEqualTo(dir.toString());
        assertThat(dir).isDirectory();
        assertThat(c.logPath()).isEqualTo("app/4.log");

        configs.cleanup(pod.key(), pod.uid());

        assertThat(dir).doesNotExist();
    }

    @Test
    void theEnvironmentIsResolvedAndExpandedIntoArgumentsAndNeverShownByToString() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    env:
                    - {name: PASSWORD, value: hunter2}
                    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    command: [sh, -c, "echo $(IP)"]
                """);
        LaunchConfigs configs = configs(null);

        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 0,
                configs.prepare(pod, "10.88.0.9"));

        assertThat(c.env()).containsExactly(new EnvVar("PASSWORD", "hunter2"), new EnvVar("IP", "10.88.0.9"));
        assertThat(c.command()).containsExactly("sh", "-c", "echo 10.88.0.9");
        assertThat(c.toString()).doesNotContain("hunter2");
    }

    @Test
    void runAsNonRootOnARuntimeThatCannotApplyAUserIsRefusedNotRunAsRoot() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    securityContext: {runAsNonRoot: true, runAsUser: 1000}
                """);
        LaunchConfigs ctrLike = new LaunchConfigs(TestPods.NODE, new Volumes(root.resolve("state"), new FakeHostMounts()),
                new EnvResolver(TestPods.NODE, "192.0.2.10", 2, 8L << 30), null, false);
        PodFiles files = ctrLike.prepare(pod, null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ctrLike.container(pod,
                        pod.pod().spec().containers().get(0), 0, files))
                .isInstanceOf(LaunchException.class).hasMessageContaining("runAsNonRoot is set, and this runtime");
        assertThat(configs(null).container(pod, pod.pod().spec().containers().get(0), 0, files).security().runAsUser())
                .isEqualTo(1000L);
    }

    @Test
    void aMountOfAnUnsupportedVolumeIsALaunchErrorNamingIt() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    volumeMounts: [{name: nope, mountPath: /x}]
                  volumes: [{name: nope, nfs: {server: nfs.local, path: /export}}]
                """);
        LaunchConfigs configs = configs(null);
        PodFiles files = configs.prepare(pod, null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> configs.container(pod,
                        pod.pod().spec().containers().get(0), 0, files))
                .isInstanceOf(LaunchException.class).hasMessageContaining("volume nope");
    }

    @Test
    void theTerminationMessagePathAndPolicyAreTheContainersOwn() throws Exception {
        StaticPod pod = TestPods.podWith("""
                    terminationMessagePath: /tmp/last-words
                    terminationMessagePolicy: FallbackToLogsOnError
                """);
        LaunchConfigs configs = configs(null);

        ContainerConfig c = configs.container(pod, pod.pod().spec().containers().get(0), 0,
                configs.prepare(pod, null));

        assertThat(c.annotations()).containsEntry(WellKnown.TERMINATION_MESSAGE_PATH, "/tmp/last-words")
                .containsEntry(WellKnown.TERMINATION_MESSAGE_POLICY, "FallbackToLogsOnError");
        assertThat(c.mounts()).anySatisfy(m -> assertThat(m.containerPath()).isEqualTo("/tmp/last-words"));
    }
}
