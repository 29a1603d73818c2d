package io.staticpod.runtime.docker;

import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.EnvVar;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerEnvTest {

    @Test
    void laterEntriesWinInTheOrderOfFirstAppearance() {
        ContainerConfig config = ContainerConfig.builder("a", 0, "i").env(List.of(new EnvVar("B", "1"),
                new EnvVar("A", "2"), new EnvVar("B", "3"))).build();

        assertThat(DockerEnv.of(config)).containsExactly(Map.entry("B", "3"), Map.entry("A", "2"));
    }

    @Test
    void anEnvironmentNameNoProcessCanCarryIsRefusedWithoutItsValue() {
        ContainerConfig bad = ContainerConfig.builder("a", 0, "i").env(List.of(new EnvVar("A=B", "secret-value")))
                .build();

        assertThatThrownBy(() -> DockerEnv.of(bad)).isInstanceOf(RuntimeError.Refused.class)
                .hasMessageContaining("'A=B'").hasMessageNotContaining("secret-value");
    }
}
