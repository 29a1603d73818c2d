package io.staticpod.manifest;

import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ImagePullPolicy;
import io.staticpod.manifest.model.Quantity;
import io.staticpod.manifest.model.RestartPolicy;
import io.staticpod.manifest.model.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/** The API defaults, in the typed pod and in the manifest tree; and the identity stamped on both. */
class DefaultsTest {

    @Test
    void podDefaultsAreApplied() {
        StaticPod pod = parsed(MINIMAL + "    ports: [{containerPort: 80}]\n");
        assertThat(pod.pod().metadata().namespace()).isEqualTo("default");
        assertThat(pod.pod().spec().restartPolicy()).isEqualTo(RestartPolicy.Always);
        assertThat(pod.pod().spec().terminationGracePeriodSeconds()).isEqualTo(30);
        Container app = pod.pod().spec().containers().get(0);
        assertThat(app.imagePullPolicy()).isEqualTo(ImagePullPolicy.IfNotPresent);
        assertThat(app.ports().get(0).protocol()).isEqualTo("TCP");
        assertThat(app.ports().get(0).hostPort()).isZero();
        assertThat(app.command()).isNull();
        assertThat(pod.tree().copy().at("/spec/containers/0/ports/0/protocol").asText()).isEqualTo("TCP");
        assertThat(pod.tree().copy().at("/spec/terminationGracePeriodSeconds").asLong()).isEqualTo(30);
    }

    @ParameterizedTest
    @CsvSource({
            "nginx, Always",
            "nginx:latest, Always",
            "nginx:1.25, IfNotPresent",
            "localhost:5000/nginx, Always",
            "localhost:5000/nginx:1.25, IfNotPresent",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, IfNotPresent",
            "nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, IfNotPresent"})
    void imagePullPolicyDefaultsFromTheTag(String image, ImagePullPolicy expected) {
        StaticPod pod = parsed(MINIMAL.replace("busybox:1.36", image));
        assertThat(pod.pod().spec().containers().get(0).imagePullPolicy()).isEqualTo(expected);
    }

    @Test
    void anExplicitPullPolicyIsKept() {
        StaticPod pod = parsed(MINIMAL + "    imagePullPolicy: Never\n");
        assertThat(pod.pod().spec().containers().get(0).imagePullPolicy()).isEqualTo(ImagePullPolicy.Never);
    }

    @Test
    void onTheHostNetworkHostPortsDefaultToContainerPorts() {
        StaticPod pod = parsed(MINIMAL + "    ports: [{containerPort: 2379}, {containerPort: 2380, hostPort: 0}]\n"
                + "  hostNetwork: true\n");
        assertThat(pod.pod().spec().containers().get(0).ports())
                .extracting(p -> p.hostPort()).containsExactly(2379, 2380);
        assertThat(pod.tree().copy().at("/spec/containers/0/ports/0/hostPort").asInt()).isEqualTo(2379);
    }

    @Test
    void identityIsStampedOnTheTypedPodAndTheTree() {
        StaticPod pod = parsed(MINIMAL.replace("  name: web", "  name: web\n  namespace: kube-system"));
        assertThat(pod.key()).hasToString("kube-system/web-node-1");
        assertThat(pod.uid()).matches("[0-9a-f]{32}");
        assertThat(pod.pod().metadata().name()).isEqualTo("web-node-1");
        assertThat(pod.pod().metadata().uid()).isEqualTo(pod.uid());
        assertThat(pod.pod().metadata().annotations()).containsEntry(WellKnown.CONFIG_HASH, pod.uid())
                .containsEntry(WellKnown.CONFIG_SOURCE, "file").doesNotContainKey(WellKnown.CONFIG_SEEN);
        assertThat(pod.pod().spec().nodeName()).isEqualTo("node-1");
        assertThat(pod.tree().copy().at("/metadata/name").asText()).isEqualTo("web-node-1");
        assertThat(pod.tree().copy().at("/metadata/uid").asText()).isEqualTo(pod.uid());
        assertThat(pod.tree().copy().at("/metadata/annotations").get(WellKnown.CONFIG_HASH).asText()).isEqualTo(pod.uid());
        assertThat(pod.tree().copy().at("/spec/nodeName").asText()).isEqualTo("node-1");
        assertThat(pod.tree().copy().at("/spec/tolerations").toString())
                .isEqualTo("[{\"operator\":\"Exists\",\"effect\":\"NoExecute\"}]");
    }

    @Test
    void theNoExecuteTolerationIsAppendedToTheManifestsOwn() {
        StaticPod pod = parsed(MINIMAL + "  tolerations: [{key: a, operator: Exists}]\n");
        assertThat(pod.tree().copy().at("/spec/tolerations")).hasSize(2);
        assertThat(pod.tree().copy().at("/spec/tolerations/0/key").asText()).isEqualTo("a");
    }

    @Test
    void envFromTheDownwardApiHasNoValue() {
        StaticPod pod = parsed(MINIMAL + "    env:\n    - {name: A, value: x}\n    - {name: B}\n"
                + "    - name: C\n      valueFrom: {fieldRef: {fieldPath: status.podIP}}\n");
        assertThat(pod.pod().spec().containers().get(0).env())
                .extracting(e -> e.name() + "=" + e.value()).containsExactly("A=x", "B=", "C=null");
    }

    @Test
    void volumesAreBound() {
        StaticPod pod = parsed(MINIMAL + "    volumeMounts: [{name: d, mountPath: /d, readOnly: true}]\n"
                + "  volumes:\n  - {name: d, hostPath: {path: /srv}}\n  - {name: e, emptyDir: {sizeLimit: 1Gi}}\n");
        assertThat(pod.pod().spec().volumes().get(0).source())
                .isEqualTo(new Volume.HostPath("/srv", Volume.HostPathType.Unset));
        assertThat(pod.pod().spec().volumes().get(1).source())
                .isEqualTo(new Volume.EmptyDir(Volume.StorageMedium.Default, Quantity.parse("1Gi")));
        assertThat(pod.pod().spec().containers().get(0).volumeMounts().get(0).readOnly()).isTrue();
    }
}
