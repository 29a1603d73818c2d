package io.staticpod.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** Static pods may not reference API objects, in the kubelet's words. */
class StaticPodReferencesTest {

    @Test
    void serviceAccountsAndPullSecretsAreRejected() {
        String manifest = MINIMAL + "  serviceAccountName: builder\n  imagePullSecrets: [{name: regcred}]\n";
        assertThat(errorLines(manifest)).containsExactly(
                "9: spec.serviceAccountName: static pods may not reference serviceaccounts",
                "10: spec.imagePullSecrets: static pods may not reference secrets");
    }

    @Test
    void envReferencesAreRejected() {
        String manifest = MINIMAL + """
                    env:
                    - name: A
                      valueFrom: {secretKeyRef: {name: s, key: k}}
                    - name: B
                      valueFrom: {configMapKeyRef: {name: c, key: k}}
                    envFrom:
                    - secretRef: {name: s}
                    - configMapRef: {name: c}
                """;
        assertThat(errorLines(manifest)).containsExactly(
                "11: spec.containers[0].env[0].valueFrom.secretKeyRef: static pods may not reference secrets",
                "13: spec.containers[0].env[1].valueFrom.configMapKeyRef: static pods may not reference configmaps",
                "15: spec.containers[0].envFrom[0].secretRef: static pods may not reference secrets",
                "16: spec.containers[0].envFrom[1].configMapRef: static pods may not reference configmaps");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "secret: {secretName: s}                   | secrets (via secret volumes)",
            "configMap: {name: c}                      | configmaps (via configmap volumes)",
            "persistentVolumeClaim: {claimName: c}     | persistentvolumeclaims",
            "csi: {driver: d}                          | csidrivers (via CSI volumes)",
            "ephemeral: {volumeClaimTemplate: {}}      | persistentvolumeclaims (via ephemeral volumes)",
            "projected: {sources: [{serviceAccountToken: {path: t}}] } | serviceaccounts (via projected volumes)",
            "projected: {sources: [{secret: {name: s}}] }              | secrets (via projected volumes)",
            "projected: {sources: [{configMap: {name: c}}] }           | configmaps (via projected volumes)"})
    void volumesReferencingApiObjectsAreRejected(String source, String resource) {
        String manifest = MINIMAL + "  volumes:\n  - name: v\n    " + source + "\n";
        assertThat(errorLines(manifest)).singleElement().asString()
                .startsWith("11: spec.volumes[0].").endsWith(": static pods may not reference " + resource);
    }

    @Test
    void volumesOfTheNodeAreAllowed() {
        String manifest = MINIMAL + "  volumes:\n  - {name: a, nfs: {server: n, path: /}}\n"
                + "  - {name: b, downwardAPI: {items: []}}\n  - {name: c, projected: {sources: [{downwardAPI: {}}]}}\n";
        assertThat(parse(manifest)).isInstanceOf(ParseResult.Parsed.class);
    }
}
