package io.staticpod.manifest;

import io.staticpod.manifest.model.Capabilities;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.FieldRef;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.Lifecycle;
import io.staticpod.manifest.model.Namespaces;
import io.staticpod.manifest.model.PodDns;
import io.staticpod.manifest.model.PodSecurityContext;
import io.staticpod.manifest.model.PodSpec;
import io.staticpod.manifest.model.Probe;
import io.staticpod.manifest.model.Probes;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.ResourceFieldRef;
import io.staticpod.manifest.model.ResourceList;
import io.staticpod.manifest.model.Resources;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.manifest.model.RunAs;
import io.staticpod.manifest.model.SeccompProfile;
import io.staticpod.manifest.model.SecurityContext;
import io.staticpod.manifest.model.Volume;
import io.staticpod.manifest.model.VolumeMount;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/** Every field the agent acts on reaches the typed records, defaulted, so that the agent never reads the tree. */
class TypedModelTest {

    private static StaticPod everyField() throws IOException {
        return parsed(Files.readString(Path.of("src", "test", "resources", "hash-manifests", "every-field.yaml")));
    }

    private static Quantity q(String text) {
        return Quantity.parse(text);
    }

    @Test
    void podLevelSettingsAreTyped() throws IOException {
        PodSpec spec = everyField().pod().spec();

        assertThat(spec.restartPolicy()).isEqualTo(RestartPolicy.OnFailure);
        assertThat(spec.terminationGracePeriodSeconds()).isEqualTo(45);
        assertThat(spec.namespaces()).isEqualTo(new Namespaces(false, false, true, true));
        assertThat(spec.priorityClassName()).isEqualTo("system-node-critical");
        assertThat(spec.nodeName()).isEqualTo("node-1");
        assertThat(spec.dns()).isEqualTo(new PodDns(PodDns.DnsPolicy.None,
                new PodDns.DnsConfig(List.of("10.0.0.53"), List.of("cluster.local"),
                        List.of(new PodDns.Option("ndots", "2"), new PodDns.Option("rotate", null))),
                List.of(new PodDns.HostAlias("10.0.0.2", List.of("db", "db.local"))), "every", "fields"));
        assertThat(spec.dns().config().options()).extracting(PodDns.Option::resolvConf)
                .containsExactly("ndots:2", "rotate");
        assertThat(spec.securityContext()).isEqualTo(new PodSecurityContext(new RunAs(1000L, 3000L, true),
                List.of(4000L, 5000L), List.of(new PodSecurityContext.Sysctl("net.ipv4.ip_unprivileged_port_start", "0")),
                new SeccompProfile(SeccompProfile.Type.RuntimeDefault, null)));
    }

    @Test
    void volumesAreASealedSetOfSourcesWithTheirDefaults() throws IOException {
        assertThat(everyField().pod().spec().volumes()).containsExactly(
                new Volume("certs", new Volume.HostPath("/etc/kubernetes/pki", Volume.HostPathType.DirectoryOrCreate)),
                new Volume("data", new Volume.EmptyDir(Volume.StorageMedium.Memory, q("64Mi"))),
                new Volume("info", new Volume.DownwardApi(List.of(
                        new Volume.DownwardApi.Item("labels", new FieldRef("metadata.labels"), 0644),
                        new Volume.DownwardApi.Item("cpu", new ResourceFieldRef("app", "limits.cpu", q("1m")), 0400)),
                        0644)),
                new Volume("share", new Volume.Unsupported("nfs")));
    }

    @Test
    void aContainerCarriesEverythingTheAgentActsOnWithThePodsSecurityMergedIn() throws IOException {
        Container app = everyField().pod().spec().container("app").orElseThrow();

        Container expected = Container.builder("app", "registry.example/app:2.1")
                .imagePullPolicy(ImagePullPolicy.Always)
                .command(List.of("/app")).args(List.of("--port=8443")).workingDir("/srv")
                .env(List.of(new EnvVar("PLAIN", "x"),
                        new EnvVar("POD", null, new FieldRef("metadata.name")),
                        new EnvVar("TIER", null, new FieldRef("metadata.labels['tier']")),
                        new EnvVar("IP", null, new FieldRef("status.podIP")),
                        new EnvVar("MEM", null, new ResourceFieldRef("app", "limits.memory", q("1Mi"))),
                        new EnvVar("SIDE_CPU", null, new ResourceFieldRef("side", "requests.cpu", q("1m")))))
                .ports(List.of(new ContainerPort("https", 8443, 8443, null, "TCP"),
                        new ContainerPort(null, 9090, 0, null, "UDP")))
                .volumeMounts(List.of(new VolumeMount("certs", "/etc/certs", true, null),
                        new VolumeMount("data", "/data", false, "app"), new VolumeMount("info", "/etc/podinfo", false, null)))
                .resources(new Resources(new ResourceList(Map.of("cpu", q("250m"), "memory", q("64Mi"),
                        "ephemeral-storage", q("1Gi"))),
                        new ResourceList(Map.of("cpu", q("1"), "memory", q("128Mi"), "ephemeral-storage", q("1Gi")))))
                .security(new SecurityContext(new RunAs(2000L, 3000L, true), List.of(4000L, 5000L), false,
                        new Capabilities(List.of("NET_BIND_SERVICE"), List.of("ALL")), true, false,
                        new SeccompProfile(SeccompProfile.Type.Localhost, "profiles/app.json")))
                .probes(new Probes(
                        new Probe(new Probe.HttpGet("HTTPS", "127.0.0.1", "https", "/livez",
                                List.of(new Probe.Header("X-Probe", "live"))), 10, 5, 2, 1, 6, 5L),
                        new Probe(new Probe.TcpSocket(null, "9090"), 0, 10, 1, 2, 3),
                        new Probe(new Probe.Exec(List.of("cat", "/tmp/started")), 0, 10, 1, 1, 30)))
                .lifecycle(new Lifecycle(null, new Probe.Exec(List.of("sleep", "1")), "/tmp/termination",
                        Lifecycle.TerminationMessagePolicy.FallbackToLogsOnError))
                .build();
        assertThat(app).isEqualTo(expected);
        assertThat(app.resources().limits().memory().value()).isEqualTo(128L << 20);
        assertThat(app.resources().requests().cpu().milliValue()).isEqualTo(250);
        assertThat(app.security().noNewPrivileges()).isTrue();
    }

    @Test
    void aContainerInheritsWhatItDoesNotSet() throws IOException {
        Container init = everyField().pod().spec().initContainers().get(0);
        Container side = everyField().pod().spec().container("side").orElseThrow();

        assertThat(init.security()).isEqualTo(new SecurityContext(new RunAs(1000L, 3000L, true), List.of(4000L, 5000L),
                false, Capabilities.NONE, false, true, new SeccompProfile(SeccompProfile.Type.RuntimeDefault, null)));
        // a limit without a request is requested at its limit, as the API server defaults it
        assertThat(side.resources().requests().cpu()).isEqualTo(q("500m"));
    }

    @Test
    void aPlainContainerGetsTheApiDefaults() {
        StaticPod pod = parsed(MINIMAL);
        Container app = pod.pod().spec().containers().get(0);

        assertThat(app.process().command()).isNull();
        assertThat(app.resources()).isEqualTo(Resources.NONE);
        assertThat(app.security()).isEqualTo(SecurityContext.DEFAULT);
        assertThat(app.security().seccompProfile().type()).isEqualTo(SeccompProfile.Type.Unconfined);
        assertThat(app.lifecycle()).isEqualTo(Lifecycle.DEFAULT);
        assertThat(app.lifecycle().terminationMessagePath()).isEqualTo("/dev/termination-log");
        assertThat(pod.pod().spec().dns()).isEqualTo(PodDns.DEFAULT);
        assertThat(pod.pod().spec().dns().policy()).isEqualTo(PodDns.DnsPolicy.ClusterFirst);
        assertThat(pod.pod().spec().securityContext()).isEqualTo(PodSecurityContext.DEFAULT);
        assertThat(pod.pod().spec().namespaces()).isEqualTo(Namespaces.POD);
    }

    @Test
    void aResourceReferenceDefaultsToItsOwnContainerAndADivisorOfOne() {
        EnvVar cpu = parsed(MINIMAL + "    env: [{name: C, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}]\n")
                .pod().spec().containers().get(0).env().get(0);

        assertThat(cpu.value()).isNull();
        assertThat(cpu.valueFrom()).isEqualTo(new ResourceFieldRef("app", "limits.cpu", Quantity.ONE));
    }

    @Test
    void theDownwardApiRendersResourcesAsTheKubeletDoes() {
        Resources r = new Resources(new ResourceList(Map.of("cpu", q("250m"))),
                new ResourceList(Map.of("cpu", q("1.5"), "memory", q("64Mi"))));

        assertThat(new ResourceFieldRef("a", "requests.cpu", q("1m")).render(r.requests().cpu())).isEqualTo("250");
        assertThat(new ResourceFieldRef("a", "requests.cpu", q("1")).render(r.requests().cpu())).isEqualTo("1");
        assertThat(new ResourceFieldRef("a", "limits.cpu", Quantity.ONE).render(r.limits().cpu())).isEqualTo("2");
        ResourceFieldRef memory = new ResourceFieldRef("a", "limits.memory", q("1Mi"));
        assertThat(memory.select(r)).isEqualTo(q("64Mi"));
        assertThat(memory.render(memory.select(r))).isEqualTo("64");
        assertThat(new ResourceFieldRef("a", "limits.memory", q("1Gi")).render(q("1"))).isEqualTo("1");
        assertThat(new ResourceFieldRef("a", "requests.memory", Quantity.ONE).select(r)).isNull();
    }

    @Test
    void thePodSaysWhichFieldsItReads() throws IOException {
        assertThat(everyField().pod().spec().refersToField("status.podIP")).isTrue();
        assertThat(everyField().pod().spec().refersToField("metadata.labels")).isTrue();
        assertThat(everyField().pod().spec().refersToField("status.hostIP")).isFalse();
        assertThat(parsed(MINIMAL).pod().spec().refersToField("status.podIP")).isFalse();
    }

    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void theFirstModelsAccessorsStillAnswer() throws IOException {
        PodSpec spec = everyField().pod().spec();
        Volume certs = spec.volume("certs").orElseThrow();
        Volume data = spec.volume("data").orElseThrow();

        assertThat(certs.hostPath()).isEqualTo(new Volume.HostPathVolume("/etc/kubernetes/pki", "DirectoryOrCreate"));
        assertThat(certs.emptyDir()).isNull();
        assertThat(data.emptyDir()).isEqualTo(new Volume.EmptyDirVolume("Memory", "64Mi"));
        assertThat(spec.hostIPC()).isTrue();
        assertThat(spec.hostNetwork()).isFalse();
        assertThat(spec.hostname()).isEqualTo("every");
        Container app = spec.container("app").orElseThrow();
        assertThat(app.command()).isEqualTo(List.of("/app"));
        assertThat(app.workingDir()).isEqualTo("/srv");
        assertThat(app.env()).hasSize(6);
        assertThat(new PodSpec(null, List.of(app), null, RestartPolicy.Never, 5, true, false, false, "h", "n1"))
                .isEqualTo(PodSpec.builder().containers(List.of(app)).restartPolicy(RestartPolicy.Never)
                        .terminationGracePeriodSeconds(5).namespaces(new Namespaces(true, false, false, false))
                        .dns(new PodDns(null, null, null, "h", null)).nodeName("n1").build());
    }

    @Test
    void anEnvironmentValueIsNeverPrinted() {
        assertThat(new EnvVar("TOKEN", "s3cr3t-value").toString()).doesNotContain("s3cr3t").contains("12 characters");
        assertThat(parsed(MINIMAL + "    env: [{name: TOKEN, value: s3cr3t-value}]\n").pod().toString())
                .doesNotContain("s3cr3t");
    }
}
