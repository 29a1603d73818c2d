package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerNamingTest {

    private static final SandboxMetadata POD = new SandboxMetadata("etcd-node1", "kube-system", "3f2a", 1);

    @Test
    void namesAreDockershimsAndReadBack() {
        String sandbox = DockerNaming.sandboxName(POD);
        String container = DockerNaming.containerName(POD, ContainerConfig.builder("etcd", 4, "img").build());

        assertThat(sandbox).isEqualTo("k8s_POD_etcd-node1_kube-system_3f2a_1");
        assertThat(container).isEqualTo("k8s_etcd_etcd-node1_kube-system_3f2a_4");
        assertThat(DockerNaming.parse("/" + sandbox)).hasValueSatisfying(p -> {
            assertThat(p.sandbox()).isTrue();
            assertThat(p.pod()).isEqualTo(POD);
        });
        assertThat(DockerNaming.parse(container)).hasValueSatisfying(p -> {
            assertThat(p.sandbox()).isFalse();
            assertThat(p.container()).isEqualTo("etcd");
            assertThat(p.pod().attempt()).isEqualTo(4);
        });
    }

    @Test
    void namesThatAreNotOursAreNotRead() {
        assertThat(DockerNaming.parse("/festive_hopper")).isEmpty();
        assertThat(DockerNaming.parse("k8s_a_b_c_d_x")).isEmpty();
        assertThat(DockerNaming.parse("k8s_a_b_c_d_e_1")).isEmpty();
    }

    @Test
    void aPartHoldingTheSeparatorIsRefusedNamingIt() {
        assertThatThrownBy(() -> DockerNaming.sandboxName(new SandboxMetadata("a_b", "ns", "u", 0)))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("pod name 'a_b'");
        assertThatThrownBy(() -> DockerNaming.containerName(POD, ContainerConfig.builder("POD", 0, "i").build()))
                .isInstanceOf(RuntimeError.Refused.class);
    }

    @Test
    void labelsRoundTripWithoutTheAdaptersOwn() {
        var config = ContainerConfig.builder("c", 0, "i").labels(java.util.Map.of("a", "1"))
                .annotations(java.util.Map.of("h", "2")).build();

        var docker = DockerLabels.ofContainer("sb", config);

        assertThat(docker).containsEntry(DockerLabels.TYPE, "container").containsEntry(DockerLabels.SANDBOX_ID, "sb")
                .containsEntry("annotation.h", "2");
        assertThat(DockerLabels.labels(docker)).isEqualTo(config.labels());
        assertThat(DockerLabels.annotations(docker)).isEqualTo(config.annotations());
        assertThatThrownBy(() -> DockerLabels.ofContainer("sb", ContainerConfig.builder("c", 0, "i")
                .labels(java.util.Map.of("annotation.x", "1")).build())).isInstanceOf(RuntimeError.Refused.class);
    }
}
