package io.staticpod.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void measuresEditDistance() {
        assertThat(Names.distance("runtim", "runtime")).isEqualTo(1);
        assertThat(Names.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Names.distance("", "abc")).isEqualTo(3);
        assertThat(Names.distance("same", "same")).isZero();
    }

    @Test
    void suggestsTheNearestNameOnlyWhenItIsClose() {
        List<String> keys = List.of("runtime", "rootDir", "logLevel", "podInfraContainerImage");
        assertThat(Names.nearest("runtim", keys)).contains("runtime");
        assertThat(Names.nearest("rootdir", keys)).contains("rootDir");
        assertThat(Names.nearest("podInfraImage", keys)).isEmpty();
        assertThat(Names.nearest("somethingElse", keys)).isEmpty();
    }
}
