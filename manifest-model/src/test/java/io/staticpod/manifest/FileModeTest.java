package io.staticpod.manifest;

import io.staticpod.manifest.model.Volume;
import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.errorLines;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * File modes read as the kubelet reads them: Kubernetes' YAML is YAML 1.1, where {@code 0644} is octal (420), while
 * YAML 1.2's core schema would read decimal 644.
 */
class FileModeTest {

    private static Volume.DownwardApi downwardApi(String volumeLine) {
        StaticPod pod = parsed(MINIMAL + "  volumes:\n  - " + volumeLine + "\n");
        return (Volume.DownwardApi) pod.pod().spec().volumes().get(0).source();
    }

    @Test
    void aModeWithALeadingZeroIsOctalAsInKubernetesYaml() {
        Volume.DownwardApi d = downwardApi("{name: info, downwardAPI: {defaultMode: 0644, items: ["
                + "{path: a, fieldRef: {fieldPath: metadata.name}}, "
                + "{path: b, fieldRef: {fieldPath: metadata.name}, mode: 0400}]}}");

        assertThat(d.defaultMode()).isEqualTo(420);
        assertThat(d.items()).extracting(Volume.DownwardApi.Item::mode).containsExactly(420, 256);
    }

    @Test
    void decimalAndYaml12OctalModesMeanTheSame() {
        Volume.DownwardApi d = downwardApi("{name: info, downwardAPI: {defaultMode: 420, items: ["
                + "{path: a, fieldRef: {fieldPath: metadata.name}, mode: 0o600}]}}");

        assertThat(d.defaultMode()).isEqualTo(420);
        assertThat(d.items().get(0).mode()).isEqualTo(0600);
    }

    @Test
    void theTreeTheMirrorIsMadeOfCarriesTheOctalValueAsJson() {
        StaticPod pod = parsed(MINIMAL + """
                  volumes:
                  - {name: info, downwardAPI: {defaultMode: 0644, items: [{path: a, fieldRef: {fieldPath: metadata.name}}]}}
                """);

        assertThat(pod.tree().copy().at("/spec/volumes/0/downwardAPI/defaultMode").asInt()).isEqualTo(420);
    }

    @Test
    void digitsThatAreNotOctalStayDecimal() {
        StaticPod pod = parsed(MINIMAL + "  terminationGracePeriodSeconds: 09\n");

        assertThat(pod.pod().spec().terminationGracePeriodSeconds()).isEqualTo(9);
    }

    @Test
    void aModeAbove0777IsRefusedAsByTheApiServer() {
        assertThat(errorLines(MINIMAL + """
                  volumes:
                  - {name: info, downwardAPI: {defaultMode: 644, items: [{path: a, fieldRef: {fieldPath: metadata.name}, mode: -1}]}}
                """)).containsExactly(
                "10: spec.volumes[0].downwardAPI.defaultMode: must be a number between 0 and 0777 (octal), both"
                        + " inclusive, such as 0644 (read as octal, as by kubectl) or 420; got 644",
                "10: spec.volumes[0].downwardAPI.items[0].mode: must be a number between 0 and 0777 (octal), both"
                        + " inclusive, such as 0644 (read as octal, as by kubectl) or 420; got -1");
    }
}
