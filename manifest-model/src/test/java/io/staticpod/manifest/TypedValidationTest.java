package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parse;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server's rules for the fields the typed model binds (resources, security contexts, the downward API,
 * DNS, termination messages): each mistake is an error at its line, with what would be valid, before anything runs.
 */
class TypedValidationTest {

    @Test
    void aQuantityThatDoesNotParseSaysWhyAtItsLine() {
        assertThat(errorLines(MINIMAL + """
                    resources:
                      limits: {memory: 64mi, cpu: 1.5.5}
                      requests: {memory: "1 Gi"}
                """)).containsExactly(
                "10: spec.containers[0].resources.limits.memory: must be a quantity such as 100m, 64Mi or 2, got the"
                        + " string \"64mi\" (unknown suffix \"mi\": use one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti,"
                        + " Pi, Ei, or an exponent such as e3)",
                "10: spec.containers[0].resources.limits.cpu: must be a quantity such as 100m, 64Mi or 2, got the string"
                        + " \"1.5.5\" (more than one decimal point)",
                "11: spec.containers[0].resources.requests.memory: must be a quantity such as 100m, 64Mi or 2, got the"
                        + " string \"1 Gi\" (unexpected characters after the number: use a suffix such as m, Mi or G, or"
                        + " none)");
    }

    @Test
    void resourcesAreNamedKnownNotNegativeAndRequestsStayWithinLimits() {
        assertThat(errorLines(MINIMAL + """
                    resources:
                      limits: {memroy: 64Mi, cpu: 500m, example.com/gpu: 1}
                      requests: {cpu: "2", memory: -1}
                """)).containsExactly(
                "10: spec.containers[0].resources.limits.memroy: unsupported resource \"memroy\": must be cpu, memory,"
                        + " ephemeral-storage, hugepages-<size>, or an extended resource named with a domain, such as"
                        + " example.com/gpu",
                "11: spec.containers[0].resources.requests.memory: must be greater than or equal to 0, got -1",
                "11: spec.containers[0].resources.requests.cpu: must be less than or equal to the cpu limit of 500m,"
                        + " got 2");
    }

    @Test
    void aResourceReferenceNamesAKnownResourceAContainerOfThePodAndASuitableDivisor() {
        assertThat(errorLines(MINIMAL + """
                    env:
                    - {name: A, valueFrom: {resourceFieldRef: {resource: limits.gpu}}}
                    - {name: B, valueFrom: {resourceFieldRef: {resource: limits.cpu, containerName: nope}}}
                    - {name: C, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1Mi}}}
                    - {name: D, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 3}}}
                """)).containsExactly(
                "10: spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: unsupported value \"limits.gpu\":"
                        + " must be limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or"
                        + " requests.ephemeral-storage",
                "11: spec.containers[0].env[1].valueFrom.resourceFieldRef.containerName: container \"nope\" not found:"
                        + " name a container of this pod",
                "12: spec.containers[0].env[2].valueFrom.resourceFieldRef.divisor: must be 1m or 1 for cpu, got 1Mi",
                "13: spec.containers[0].env[3].valueFrom.resourceFieldRef.divisor: must be one of 1, 1k, 1M, 1G, 1T,"
                        + " 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei for memory, got 3");
    }

    @Test
    void aFieldReferenceReadsAFieldTheDownwardApiHas() {
        assertThat(errorLines(MINIMAL + """
                    env:
                    - {name: A, valueFrom: {fieldRef: {fieldPath: status.podIp}}}
                    - {name: B, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']", apiVersion: v2}}}
                    - {name: C, valueFrom: {fileKeyRef: {path: a, volumeName: v, key: k}}}
                """)).containsExactly(
                "10: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: unsupported value \"status.podIp\": must be"
                        + " metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName,"
                        + " status.hostIP, status.hostIPs, status.podIP or status.podIPs, or metadata.labels['<key>'] or"
                        + " metadata.annotations['<key>']",
                "11: spec.containers[0].env[1].valueFrom.fieldRef.apiVersion: unsupported value \"v2\": must be v1",
                "12: spec.containers[0].env[2].valueFrom.fileKeyRef: not supported by this agent: give the value, or"
                        + " read the file in the container's command");
    }

    @Test
    void securityContextsAreTypedAndSeccompProfilesComplete() {
        assertThat(errorLines(MINIMAL + """
                    securityContext:
                      runAsUser: "1000"
                      privileged: yes
                      seccompProfile: {type: Localhost}
                      capabilities: {add: NET_ADMIN}
                  securityContext:
                    seccompProfile: {type: runtime/default, localhostProfile: /etc/p.json}
                    supplementalGroups: [a]
                """)).containsExactly(
                "10: spec.containers[0].securityContext.runAsUser: must be an integer, got the string \"1000\""
                        + " (remove the quotes)",
                "11: spec.containers[0].securityContext.privileged: must be true or false, got the string \"yes\"",
                "13: spec.containers[0].securityContext.capabilities.add: must be a list of strings, got the string"
                        + " \"NET_ADMIN\" (write a YAML list, e.g. [\"sh\", \"-c\", \"echo hi\"])",
                "16: spec.securityContext.supplementalGroups[0]: must be an integer, got the string \"a\"",
                "15: spec.securityContext.seccompProfile.type: unsupported value \"runtime/default\": must be"
                        + " RuntimeDefault, Unconfined or Localhost",
                "15: spec.securityContext.seccompProfile.localhostProfile: invalid value \"/etc/p.json\": must be a"
                        + " relative path without '..'",
                "12: spec.containers[0].securityContext.seccompProfile.localhostProfile: required when type is"
                        + " Localhost: the profile's path, relative to the kubelet's seccomp directory");
    }

    @Test
    void anUnknownFieldInASecurityContextIsWarnedAboutWithItsLine() {
        assertThat(TestManifests.warningLines(MINIMAL + """
                    securityContext: {runAsUsr: 1000}
                """)).containsExactly("9: spec.containers[0].securityContext.runAsUsr: unknown field, ignored");
    }

    @Test
    void dnsNamespacesAndTerminationMessagesTakeTheApisValues() {
        assertThat(errorLines(MINIMAL + """
                    terminationMessagePolicy: Logs
                  dnsPolicy: ClusterFirstWithHostNetwork
                  hostPID: true
                  shareProcessNamespace: true
                """)).containsExactly(
                "10: spec.dnsPolicy: unsupported value \"ClusterFirstWithHostNetwork\": must be ClusterFirst,"
                        + " ClusterFirstWithHostNet, Default or None",
                "12: spec.shareProcessNamespace: may not be true when hostPID is true: the containers already share the"
                        + " node's process namespace",
                "9: spec.containers[0].terminationMessagePolicy: unsupported value \"Logs\": must be File or"
                        + " FallbackToLogsOnError");
        assertThat(errorLines(MINIMAL + "  dnsPolicy: None\n")).containsExactly(
                "9: spec.dnsPolicy: None needs at least one nameserver in spec.dnsConfig.nameservers");
    }

    @Test
    void volumesOfTheDownwardApiAndInMemoryAreChecked() {
        assertThat(errorLines(MINIMAL + """
                  volumes:
                  - name: scratch
                    emptyDir: {medium: Ram, sizeLimit: -1Mi}
                  - name: info
                    downwardAPI:
                      items:
                      - {path: /abs, fieldRef: {fieldPath: spec.nodeName}}
                      - {path: both, fieldRef: {fieldPath: metadata.name}, resourceFieldRef: {resource: limits.cpu}}
                      - {path: cpu, resourceFieldRef: {resource: limits.cpu}}
                """)).containsExactly(
                "11: spec.volumes[0].emptyDir.medium: unsupported value \"Ram\": must be Memory, HugePages or"
                        + " HugePages-<size> (or empty: the node's disk)",
                "11: spec.volumes[0].emptyDir.sizeLimit: must be greater than or equal to 0, got -1Mi",
                "15: spec.volumes[1].downwardAPI.items[0].path: invalid value \"/abs\": must be a relative path without"
                        + " '..'",
                "15: spec.volumes[1].downwardAPI.items[0].fieldRef.fieldPath: unsupported value \"spec.nodeName\": must"
                        + " be metadata.name, metadata.namespace, metadata.uid, metadata.labels or metadata.annotations,"
                        + " or metadata.labels['<key>'] or metadata.annotations['<key>']",
                "16: spec.volumes[1].downwardAPI.items[1]: must specify exactly one of fieldRef or resourceFieldRef",
                "17: spec.volumes[1].downwardAPI.items[2].resourceFieldRef.containerName: required in a downwardAPI"
                        + " volume: name the container whose resources it shows");
    }

    @Test
    void theKubeadmShapesStayValid() {
        assertThat(parse(MINIMAL + """
                    resources: {requests: {cpu: 250m, memory: 0.5Gi}, limits: {hugepages-2Mi: 1Gi, example.com/dev: 1}}
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, runAsUser: 65534}
                    env: [{name: N, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['a.b/c']"}}}]
                  securityContext: {seccompProfile: {type: RuntimeDefault}, sysctls: [{name: net.core.somaxconn, value: "1024"}]}
                  dnsPolicy: ClusterFirstWithHostNet
                  volumes:
                  - {name: tmp, emptyDir: {medium: HugePages-2Mi}}
                  - {name: info, downwardAPI: {defaultMode: 0644, items: [{path: l, fieldRef: {fieldPath: metadata.labels}}]}}
                """)).isInstanceOf(ParseResult.Parsed.class);
    }
}
