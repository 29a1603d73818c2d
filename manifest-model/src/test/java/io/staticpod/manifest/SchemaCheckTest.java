package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parse;
import static io.staticpod.manifest.TestManifests.parsed;
import static io.staticpod.manifest.TestManifests.warningLines;
import static org.assertj.core.api.Assertions.assertThat;

/** Unknown fields are warnings; values of the wrong type are errors naming the expected type. */
class SchemaCheckTest {

    @Test
    void unknownFieldsAreWarningsWithLineAndPath() {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  colour: blue
                spec:
                  containers:
                  - name: app
                    image: busybox:1.36
                    restartPolicy: Never
                    livenessProbe:
                      httpGet: {port: 80, pathh: /}
                """;
        assertThat(parse(manifest)).isInstanceOf(ParseResult.Parsed.class);
        assertThat(warningLines(manifest)).containsExactly(
                "5: metadata.colour: unknown field, ignored",
                "10: spec.containers[0].restartPolicy: unknown field, ignored (only init containers have one;"
                        + " did you mean spec.restartPolicy?)",
                "12: spec.containers[0].livenessProbe.httpGet.pathh: unknown field, ignored");
    }

    @Test
    void unknownFieldsStayInTheManifestTree() {
        StaticPod pod = parsed(MINIMAL.replace("  name: web", "  name: web\n  colour: blue"));
        assertThat(pod.tree().copy().path("metadata").path("colour").asText()).isEqualTo("blue");
    }

    @Test
    void fieldsWeDoNotActOnAreKnown() {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: etcd
                  namespace: kube-system
                  labels: {component: etcd, tier: control-plane}
                  annotations: {kubeadm.kubernetes.io/etcd.advertise-client-urls: "https://10.0.0.1:2379"}
                  creationTimestamp: null
                spec:
                  hostNetwork: true
                  dnsPolicy: ClusterFirstWithHostNet
                  priorityClassName: system-node-critical
                  priority: 2000001000
                  securityContext: {seccompProfile: {type: RuntimeDefault}}
                  affinity: {nodeAffinity: {}}
                  tolerations: [{key: a, operator: Exists, effect: NoSchedule}]
                  nodeSelector: {kubernetes.io/os: linux}
                  enableServiceLinks: false
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    restartPolicy: Always
                  containers:
                  - name: etcd
                    image: registry.k8s.io/etcd:3.5.9-0
                    command: [etcd, --data-dir=/var/lib/etcd]
                    resources:
                      requests: {cpu: 100m, memory: 100Mi}
                      limits: {cpu: 1}
                    livenessProbe:
                      failureThreshold: 8
                      httpGet: {host: 127.0.0.1, path: /livez, port: 2381, scheme: HTTP}
                      initialDelaySeconds: 10
                      periodSeconds: 10
                      timeoutSeconds: 15
                    startupProbe:
                      tcpSocket: {port: 2381}
                    readinessProbe:
                      exec: {command: [cat, /tmp/ready]}
                    lifecycle:
                      preStop: {sleep: {seconds: 1}}
                    securityContext: {privileged: true}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                    env:
                    - name: NODE
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                    volumeMounts:
                    - {name: etcd-data, mountPath: /var/lib/etcd, mountPropagation: None}
                  volumes:
                  - name: etcd-data
                    hostPath: {path: /var/lib/etcd, type: DirectoryOrCreate}
                  - name: scratch
                    emptyDir: {medium: Memory, sizeLimit: 64Mi}
                status: {}
                """;
        ParseResult result = parse(manifest);
        assertThat(result).as("%s", result).isInstanceOf(ParseResult.Parsed.class);
        // known fields are not "unknown": no warning at all
        assertThat(result.warnings()).extracting(ManifestProblem::message).isEmpty();
    }

    @Test
    void aStringWhereAListIsExpectedIsAnErrorNamingTheType() {
        assertThat(errorLines(MINIMAL + "    command: echo hi\n")).containsExactly(
                "9: spec.containers[0].command: must be a list of strings, got the string \"echo hi\""
                        + " (write a YAML list, e.g. [\"sh\", \"-c\", \"echo hi\"])");
    }

    @Test
    void aNumberWhereAStringIsExpectedSaysToQuoteIt() {
        assertThat(errorLines(MINIMAL + "    env:\n    - name: N\n      value: 1\n")).containsExactly(
                "11: spec.containers[0].env[0].value: must be a string, got a number (quote it)");
        assertThat(errorLines(MINIMAL.replace("  name: web", "  name: web\n  labels: {version: 2}")))
                .containsExactly("5: metadata.labels.version: must be a string, got 2 (quote it: \"2\")");
    }

    @Test
    void aQuotedNumberWhereAnIntegerIsExpectedSaysToRemoveTheQuotes() {
        assertThat(errorLines(MINIMAL + "    ports:\n    - containerPort: \"80\"\n")).containsExactly(
                "10: spec.containers[0].ports[0].containerPort: must be an integer, got the string \"80\""
                        + " (remove the quotes)");
    }

    @Test
    void aMistypedFieldIsReportedOnceWithoutFollowUpErrors() {
        String manifest = MINIMAL.replace("""
                  containers:
                  - name: app
                    image: busybox:1.36
                """, "  containers: nginx\n");
        assertThat(errorLines(manifest)).containsExactly(
                "6: spec.containers: must be a list of objects, got the string \"nginx\"");
    }

    @Test
    void anObjectWhereAListIsExpectedSaysHowToWriteAList() {
        assertThat(errorLines(MINIMAL + "  volumes:\n    name: data\n    emptyDir: {}\n")).containsExactly(
                "9: spec.volumes: must be a list of objects, got an object (start each item with \"- \")");
    }

    @Test
    void nullValuesCountAsAbsent() {
        assertThat(parse(MINIMAL + "    command: null\n  volumes: ~\n")).isInstanceOf(ParseResult.Parsed.class);
    }

    @Test
    void quantitiesMayBeNumbersOrStrings() {
        assertThat(parse(MINIMAL + "    resources: {limits: {cpu: 0.5, memory: 1Gi}}\n"))
                .isInstanceOf(ParseResult.Parsed.class);
        assertThat(errorLines(MINIMAL + "    resources: {limits: {cpu: [1]}}\n")).containsExactly(
                "9: spec.containers[0].resources.limits.cpu: must be a quantity such as 100m, 64Mi or 2, got a list");
    }
}
