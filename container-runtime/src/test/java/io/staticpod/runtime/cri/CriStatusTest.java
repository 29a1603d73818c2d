package io.staticpod.runtime.cri;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CriStatusTest {
    @Test
    void containerdsSandboxImageIsReadFromItsConfigInTheVerboseInfo() {
        // the shape containerd 1.6 answers: its CRI plugin config as JSON, sandbox_image as sandboxImage
        String config = "{\"containerd\":{\"snapshotter\":\"overlayfs\"},\"sandboxImage\":\"registry.k8s.io/pause:3.6\","
                + "\"enableSelinux\":false}";

        assertThat(CriStatus.sandboxImage(Map.of("config", config, "golang", "go1.19")))
                .contains("registry.k8s.io/pause:3.6");
    }

    @Test
    void aRuntimeThatSaysNothingOfItsSandboxImageLeavesItUnknown() {
        assertThat(CriStatus.sandboxImage(Map.of())).isEmpty();
        assertThat(CriStatus.sandboxImage(Map.of("config", "{\"pause_image\":\"x\"}"))).isEmpty();
        assertThat(CriStatus.sandboxImage(Map.of("config", "not json"))).isEmpty();
        assertThat(CriStatus.sandboxImage(Map.of("config", "{\"sandboxImage\":\"\"}"))).isEmpty();
    }
}
