package io.staticpod.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/** What reaches the mirror is an immutable value: no caller can change a static pod's tree. */
class ManifestTreeTest {

    @Test
    void aCopyOfTheTreeCanBeChangedWithoutChangingThePod() {
        StaticPod pod = parsed(MINIMAL);
        ObjectNode copy = pod.tree().copy();
        ((ObjectNode) copy.get("spec")).put("nodeName", "elsewhere");
        ((ObjectNode) copy.at("/spec/containers/0")).put("image", "evil:1");

        assertThat(pod.tree().copy().at("/spec/nodeName").asText()).isEqualTo("node-1");
        assertThat(pod.tree().copy().at("/spec/containers/0/image").asText()).isEqualTo("busybox:1.36");
        assertThat(pod).isEqualTo(parsed(MINIMAL));
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedAccessorsHandOutCopiesToo() {
        StaticPod pod = parsed(MINIMAL);
        pod.manifest().put("kind", "Deployment");
        ((ObjectNode) pod.containerManifest("app")).put("image", "evil:1");

        assertThat(pod.manifest().path("kind").asText()).isEqualTo("Pod");
        assertThat(pod.containerManifest("app").path("image").asText()).isEqualTo("busybox:1.36");
        assertThat(pod.containerManifest("missing").isMissingNode()).isTrue();
        assertThat(pod.manifest()).isEqualTo(pod.tree().copy());
    }

    @Test
    void theTreeIsCopiedInSoItsSourceCannotChangeItLater() {
        StaticPod pod = parsed(MINIMAL);
        ObjectNode source = pod.tree().copy();
        StaticPod built = new StaticPod(pod.key(), pod.uid(), pod.file(), pod.pod(), source);
        source.put("kind", "Deployment");

        assertThat(built.tree().copy().path("kind").asText()).isEqualTo("Pod");
        assertThat(built).isEqualTo(pod);
    }

    @Test
    void treesAreEqualByContentAndAChangeTheTypedPodLeavesOutStillMakesADifferentPod() {
        String pinned = MINIMAL.replace("  name: web", "  name: web\n  uid: pinned");
        StaticPod plain = parsed(pinned);
        StaticPod tolerated = parsed(pinned + "  tolerations: [{key: a, operator: Exists}]\n");

        assertThat(parsed(pinned).tree()).isEqualTo(plain.tree()).hasSameHashCodeAs(plain.tree());
        // same UID, same typed pod: only the tree (and so the mirror) tells them apart
        assertThat(tolerated.uid()).isEqualTo(plain.uid());
        assertThat(tolerated.pod()).isEqualTo(plain.pod());
        assertThat(tolerated.tree()).isNotEqualTo(plain.tree());
        assertThat(tolerated).isNotEqualTo(plain);
    }

    @Test
    void theTreeShowsNoContentWhenPrinted() {
        StaticPod pod = parsed(MINIMAL + "    env: [{name: TOKEN, value: s3cr3t-value}]\n");
        assertThat(pod.tree().toString()).doesNotContain("s3cr3t").doesNotContain("busybox");
        assertThat(new String(pod.tree().toJson(), java.nio.charset.StandardCharsets.UTF_8)).contains("s3cr3t-value");
        assertThat(pod.tree().canonicalJson()).startsWith("{\"apiVersion\":\"v1\",\"kind\":\"Pod\"");
    }
}
