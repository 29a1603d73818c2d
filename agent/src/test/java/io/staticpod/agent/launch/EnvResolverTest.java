package io.staticpod.agent.launch;

import io.staticpod.agent.testing.TestPods;
import io.staticpod.manifest.StaticPod;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EnvResolverTest {
    private final EnvResolver resolver = new EnvResolver("n1", "192.0.2.10", 2, 8L << 30);

    @Test
    void expandsReferencesAsKubernetesDoes() {
        Map<String, String> env = Map.of("A", "x", "B", "y");

        assertThat(EnvResolver.expand("$(A)-$(B)", env)).isEqualTo("x-y");
        assertThat(EnvResolver.expand("$$(A) $(MISSING) $", env)).isEqualTo("$(A) $(MISSING) $");
        assertThat(EnvResolver.expand("$(A", env)).isEqualTo("$(A");
    }

    @Test
    void resolvesTheDownwardApiAndResourcesAndEarlierVariables() {
        StaticPod pod = TestPods.podWith("""
                    env:
                    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    - {name: HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
                    - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
                    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                    - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
                    - {name: REQ, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
                    - {name: URL, value: "http://$(IP):80/$(POD)"}
                    resources:
                      requests: {cpu: 250m}
                      limits: {memory: 64Mi}
                """);

        Map<String, String> env = resolver.env(pod, pod.pod().spec().containers().get(0), "10.88.0.5");

        assertThat(env).containsEntry("POD", "web-n1").containsEntry("NS", "default").containsEntry("NODE", "n1")
                .containsEntry("IP", "10.88.0.5").containsEntry("HOST", "192.0.2.10").containsEntry("TIER", "db")
                .containsEntry("MEM", "64").containsEntry("CPU", "2").containsEntry("REQ", "250")
                .containsEntry("URL", "http://10.88.0.5:80/web-n1");
    }

    @Test
    void aRequestThatIsNotSetIsTheLimitAsTheApiServerDefaultsIt() {
        StaticPod pod = TestPods.podWith("""
                    env:
                    - {name: REQ_CPU, valueFrom: {resourceFieldRef: {resource: requests.cpu, divisor: 1m}}}
                    - {name: REQ_MEM, valueFrom: {resourceFieldRef: {resource: requests.memory, divisor: 1Mi}}}
                    - {name: LIM_MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                    - {name: LIM_STORAGE, valueFrom: {resourceFieldRef: {resource: limits.ephemeral-storage}}}
                    resources:
                      limits: {cpu: 500m}
                """);

        Map<String, String> env = resolver.env(pod, pod.pod().spec().containers().get(0), null);

        assertThat(env).containsEntry("REQ_CPU", "500").containsEntry("REQ_MEM", "0")
                .containsEntry("LIM_MEM", "8192").containsEntry("LIM_STORAGE", "0");
    }

    @Test
    void aResourceOfAnotherContainerIsThatContainersAndFieldsOfThePodAreItsOwn() {
        StaticPod pod = TestPods.parse("two", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: two
                  annotations: {team: storage}
                spec:
                  containers:
                  - name: app
                    image: busybox:test
                    env:
                    - {name: SIDE_MEM, valueFrom: {resourceFieldRef: {containerName: side, resource: limits.memory,
                                                                        divisor: 1Ki}}}
                    - {name: UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
                    - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['team']"}}}
                    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                  - name: side
                    image: busybox:test
                    resources: {limits: {memory: 2Mi}}
                """);

        Map<String, String> env = resolver.env(pod, pod.pod().spec().containers().get(0), null);

        assertThat(env).containsEntry("SIDE_MEM", "2048").containsEntry("UID", pod.uid())
                .containsEntry("TEAM", "storage").containsEntry("IP", "192.0.2.10");
    }
}
