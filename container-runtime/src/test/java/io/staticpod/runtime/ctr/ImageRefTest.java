package io.staticpod.runtime.ctr;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Image references normalised as Docker's {@code ParseNormalizedNamed} plus the default tag. */
class ImageRefTest {

    @ParameterizedTest
    @CsvSource({
            "busybox, docker.io/library/busybox:latest",
            "busybox:1.35, docker.io/library/busybox:1.35",
            "library/busybox, docker.io/library/busybox:latest",
            "k8s/pause:3.2, docker.io/k8s/pause:3.2",
            "index.docker.io/library/nginx, docker.io/library/nginx:latest",
            "docker.io/nginx, docker.io/library/nginx:latest",
            "registry.k8s.io/etcd:3.5.6-0, registry.k8s.io/etcd:3.5.6-0",
            "static-pod-agent.local/busybox:1.35, static-pod-agent.local/busybox:1.35",
            "localhost/app, localhost/app:latest",
            "localhost:5000/app, localhost:5000/app:latest",
            "registry:5000/team/app:v1, registry:5000/team/app:v1",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
                    + " docker.io/library/nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
                    + " docker.io/library/nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void referencesAreNormalisedAsDockerDoes(String image, String expected) {
        assertThat(ImageRef.normalize(image)).isEqualTo(expected);
    }

    @Test
    void upperCaseRepositoriesAreRefusedAsDockerDoes() {
        assertThatThrownBy(() -> ImageRef.normalize("BusyBox")).hasMessageContaining("lowercase");
        assertThat(ImageRef.normalize("Registry.Example.com/app:V1")).isEqualTo("Registry.Example.com/app:V1");
    }
}
