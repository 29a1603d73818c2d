package io.staticpod.manifest;

import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.errors;
import static io.staticpod.manifest.TestManifests.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** The API server's rules, each error at its line and field, all of them at once. */
class ValidationTest {

    private static String withContainer(String extra) {
        return MINIMAL + extra;
    }

    @Test
    void aDeploymentIsNotAStaticPod() {
        String deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n";
        assertThat(errorLines(deployment)).containsExactly("2: kind: unsupported value \"Deployment\": a static pod"
                + " file holds exactly one Pod; take the pod template out of the Deployment into its own file");
        assertThat(errors("apiVersion: v1\nkind: PodList\nitems: []\n").get(0).message())
                .contains("a static pod file holds exactly one Pod");
    }

    @Test
    void apiVersionAndKindAreRequired() {
        assertThat(errorLines(MINIMAL.replace("apiVersion: v1\n", "")))
                .containsExactly("1: apiVersion: required: must be v1");
        assertThat(errorLines(MINIMAL.replace("kind: Pod\n", "")))
                .containsExactly("1: kind: required: a static pod file holds exactly one Pod (kind: Pod)");
        // with neither, the file is not recognisably a manifest: one error, quoting nothing of it
        assertThat(errorLines(MINIMAL.replace("apiVersion: v1\n", "").replace("kind: Pod\n", "")))
                .containsExactly("1: not a Pod manifest: expected a mapping with apiVersion: v1 and kind: Pod, found a"
                        + " mapping without kind or apiVersion; nothing of the file is shown");
        assertThat(errorLines(MINIMAL.replace("apiVersion: v1", "apiVersion: v2")))
                .containsExactly("1: apiVersion: unsupported value \"v2\": must be v1");
    }

    @Test
    void allErrorsAreReportedAtOnceEachAtItsLine() {
        String manifest = """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: Web_Server
                spec:
                  restartPolicy: Sometimes
                  containers:
                  - name: app
                    imagePullPolicy: Sometimes
                  - name: app
                    image: nginx
                """;
        assertThat(errorLines(manifest)).containsExactly(
                "4: metadata.name: invalid value \"Web_Server\": must be a lowercase RFC 1123 subdomain: lowercase"
                        + " letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. \"my-pod\")",
                "6: spec.restartPolicy: unsupported value \"Sometimes\": must be Always, OnFailure or Never",
                "8: spec.containers[0].image: required",
                "9: spec.containers[0].imagePullPolicy: unsupported value \"Sometimes\": must be Always,"
                        + " IfNotPresent or Never",
                "10: spec.containers[1].name: duplicate name \"app\" (also spec.containers[0]): container names"
                        + " must be unique across initContainers and containers");
    }

    @Test
    void theNameIsRequiredAndAMissingFieldTakesItsParentsLine() {
        assertThat(errorLines(MINIMAL.replace("  name: web", "  labels: {a: b}")))
                .containsExactly("3: metadata.name: required");
    }

    @Test
    void theNameWithTheNodeSuffixMustFit253Characters() {
        String name = "a".repeat(250);
        assertThat(errors(MINIMAL.replace("name: web", "name: " + name)).get(0).message())
                .startsWith("too long: the mirror pod's name, \"aaaa").contains("(the name, '-' and the node name node-1),"
                        + " is 257 characters; it must be no more than 253: shorten the name to at most 246 characters");
    }

    @Test
    void theNamespaceIsALabel() {
        assertThat(errorLines(MINIMAL.replace("  name: web", "  name: web\n  namespace: kube.system")))
                .containsExactly("5: metadata.namespace: invalid value \"kube.system\": must be a lowercase RFC 1123"
                        + " label: lowercase letters, digits and '-', starting and ending with a letter or digit"
                        + " (e.g. \"my-name\")");
    }

    @Test
    void atLeastOneContainerIsRequired() {
        assertThat(errorLines(MINIMAL.replace("""
                  containers:
                  - name: app
                    image: busybox:1.36
                """, "  containers: []\n"))).containsExactly("6: spec.containers: required: at least one container");
        assertThat(errorLines("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"))
                .containsExactly("1: spec: required: a Pod needs a spec with at least one container");
    }

    @Test
    void containerNamesAreLabelsUniqueAcrossInitAndAppContainers() {
        String manifest = MINIMAL + "  initContainers:\n  - name: app\n    image: busybox\n  - name: Init\n    image: x\n";
        assertThat(errorLines(manifest)).containsExactly(
                "12: spec.initContainers[1].name: invalid value \"Init\": must be a lowercase RFC 1123 label:"
                        + " lowercase letters, digits and '-', starting and ending with a letter or digit"
                        + " (e.g. \"my-name\")",
                "7: spec.containers[0].name: duplicate name \"app\" (also spec.initContainers[0]): container names"
                        + " must be unique across initContainers and containers");
    }

    @Test
    void aBlankImageIsRequired() {
        assertThat(errorLines(MINIMAL.replace("image: busybox:1.36", "image: \"  \"")))
                .containsExactly("8: spec.containers[0].image: required");
    }

    @Test
    void portsAreChecked() {
        String manifest = withContainer("""
                    ports:
                    - {name: http, containerPort: 0}
                    - {name: http, containerPort: 80, hostPort: 70000, protocol: HTTP}
                    - {name: Not_A_Name, containerPort: 81}
                    - {hostPort: 82}
                """);
        assertThat(errorLines(manifest)).containsExactly(
                "10: spec.containers[0].ports[0].containerPort: invalid value 0: must be 1 to 65535",
                "11: spec.containers[0].ports[1].name: duplicate name \"http\": port names must be unique",
                "11: spec.containers[0].ports[1].hostPort: invalid value 70000: must be 0 to 65535 (0: none)",
                "11: spec.containers[0].ports[1].protocol: unsupported value \"HTTP\": must be TCP, UDP or SCTP",
                "12: spec.containers[0].ports[2].name: invalid value \"Not_A_Name\": must be an IANA service name:"
                        + " at most 15 lowercase letters, digits and '-', with at least one letter, no '--', starting"
                        + " and ending with a letter or digit (e.g. \"http\")",
                "13: spec.containers[0].ports[3].containerPort: required");
    }

    @Test
    void onTheHostNetworkAHostPortMustEqualTheContainerPort() {
        String manifest = withContainer("    ports:\n    - {containerPort: 80, hostPort: 8080}\n  hostNetwork: true\n");
        assertThat(errorLines(manifest)).containsExactly("10: spec.containers[0].ports[0].hostPort: must equal"
                + " containerPort (80) when hostNetwork is true, got 8080");
    }

    @Test
    void aHostPortIsUsedOnce() {
        String manifest = withContainer("    ports: [{containerPort: 80, hostPort: 80}]\n"
                + "  - name: b\n    image: x\n    ports: [{containerPort: 81, hostPort: 80}]\n");
        assertThat(errorLines(manifest)).containsExactly("12: spec.containers[1].ports[0].hostPort: duplicate host"
                + " port 80/TCP (also spec.containers[0].ports[0])");
    }

    @Test
    void volumesAndMountsAreChecked() {
        String manifest = withContainer("""
                    volumeMounts:
                    - {name: data, mountPath: relative}
                    - {name: missing, mountPath: /a}
                    - {name: data, mountPath: /a}
                    - {name: data}
                  volumes:
                  - name: data
                    hostPath: {path: var/lib, type: Folder}
                  - name: data
                    emptyDir: {}
                  - name: nothing
                  - name: both
                    emptyDir: {}
                    nfs: {server: x, path: /}
                """);
        assertThat(errorLines(manifest)).containsExactly(
                "16: spec.volumes[0].hostPath.path: invalid value \"var/lib\": must be an absolute path",
                "16: spec.volumes[0].hostPath.type: unsupported value \"Folder\": must be DirectoryOrCreate,"
                        + " Directory, FileOrCreate, File, Socket, CharDevice or BlockDevice (or empty)",
                "17: spec.volumes[1].name: duplicate name \"data\": volume names must be unique",
                "19: spec.volumes[2]: must specify a volume source, such as hostPath or emptyDir",
                "22: spec.volumes[3].nfs: may not specify more than one volume source, got emptyDir and nfs",
                "10: spec.containers[0].volumeMounts[0].mountPath: invalid value \"relative\": must be an absolute path",
                "11: spec.containers[0].volumeMounts[1].name: volume \"missing\" not found: define it in spec.volumes",
                "12: spec.containers[0].volumeMounts[2].mountPath: duplicate mountPath \"/a\": each mount needs its"
                        + " own path",
                "13: spec.containers[0].volumeMounts[3].mountPath: required");
    }

    @Test
    void hostPathNeedsAPath() {
        assertThat(errorLines(MINIMAL + "  volumes:\n  - name: v\n    hostPath: {type: Directory}\n"))
                .containsExactly("11: spec.volumes[0].hostPath.path: required");
    }

    @Test
    void envNamesAreRequiredAndValueFromIsChecked() {
        String manifest = withContainer("""
                    env:
                    - value: x
                    - name: A
                      value: x
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: B
                      valueFrom: {}
                    - name: C
                      valueFrom: {fieldRef: {apiVersion: v1}}
                """);
        assertThat(errorLines(manifest)).containsExactly(
                "10: spec.containers[0].env[0].name: required",
                "13: spec.containers[0].env[1].valueFrom: may not be set when value is set: use one of them",
                "15: spec.containers[0].env[2].valueFrom: must specify exactly one of fieldRef, resourceFieldRef,"
                        + " configMapKeyRef or secretKeyRef",
                "17: spec.containers[0].env[3].valueFrom.fieldRef.fieldPath: required, e.g. metadata.name");
    }

    @Test
    void theGracePeriodIsNotNegative() {
        assertThat(errorLines(MINIMAL + "  terminationGracePeriodSeconds: -1\n")).containsExactly(
                "9: spec.terminationGracePeriodSeconds: must be greater than or equal to 0 (seconds)");
    }

    @Test
    void aManifestMayNotClaimToBeAMirrorPod() {
        String manifest = MINIMAL.replace("  name: web", "  name: web\n  annotations:\n"
                + "    kubernetes.io/config.mirror: abc");
        assertThat(errorLines(manifest)).containsExactly("6: metadata.annotations[kubernetes.io/config.mirror]: must"
                + " not be set in a manifest: it marks the mirror pods that the agent creates; remove it");
    }

    @Test
    void labelAndAnnotationKeysAndLabelValuesAreChecked() {
        String manifest = MINIMAL.replace("  name: web", "  name: web\n"
                + "  labels: {app.kubernetes.io/name: web, tier: \"front end\", /bad: x}\n"
                + "  annotations: {Example.com/x: y, ok.example.com/note: \"any value at all\"}");
        assertThat(errorLines(manifest)).containsExactly(
                "5: metadata.labels.tier: invalid value \"front end\": a label value must be empty or at most 63"
                        + " letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
                "5: metadata.labels[/bad]: invalid key \"/bad\": the prefix before '/' must be a lowercase DNS"
                        + " subdomain (e.g. \"example.com/name\")",
                "6: metadata.annotations[Example.com/x]: invalid key \"Example.com/x\": the prefix before '/' must"
                        + " be a lowercase DNS subdomain (e.g. \"example.com/name\")");
    }

    @Test
    void theHostnameIsALabel() {
        assertThat(errors(MINIMAL + "  hostname: my.host\n").get(0).field()).isEqualTo("spec.hostname");
    }

    @Test
    void theMinimalPodIsValid() {
        assertThat(parse(MINIMAL)).isInstanceOf(ParseResult.Parsed.class);
        assertThat(parse(MINIMAL).warnings()).isEmpty();
    }
}
