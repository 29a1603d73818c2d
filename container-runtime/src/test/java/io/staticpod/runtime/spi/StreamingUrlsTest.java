package io.staticpod.runtime.spi;

import io.staticpod.runtime.spi.StreamingUrls.StreamOptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingUrlsTest {

    @Test
    void aStreamWithoutStdinStdoutOrStderrIsRefusedBeforeAnyEngineIsAsked() {
        assertThatThrownBy(() -> new StreamOptions(false, false, false, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one of stdin, stdout");
    }

    @Test
    void stderrWithATerminalIsRefusedAndTheKubeletsRuleDropsIt() {
        assertThatThrownBy(() -> new StreamOptions(true, true, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tty");
        boolean tty = true;
        boolean stderr = true;
        assertThat(new StreamOptions(true, true, stderr && !tty, tty).stderr()).isFalse();
        assertThat(StreamOptions.OUTPUT).isEqualTo(new StreamOptions(false, true, true, false));
    }

    @Test
    void portsOutsideTheTcpRangeAndEmptyCommandsAreNamed() {
        assertThatThrownBy(() -> StreamingUrls.checkedPorts(List.of(80, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0 is not in 1-65535");
        assertThatThrownBy(() -> StreamingUrls.checkedPorts(Arrays.asList(80, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port null");
        assertThatThrownBy(() -> StreamingUrls.checkedPorts(List.of(65536)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(StreamingUrls.checkedPorts(List.of())).as("SPDY clients name their ports per stream").isEmpty();
        assertThatThrownBy(() -> StreamingUrls.checkedCommand(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a command");
        assertThatThrownBy(() -> StreamingUrls.checkedCommand(List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void runtimesBuiltWithTheOlderConstructorsServeNoStreamsAndSaySo() {
        assertThat(new Capabilities(true, true, true, true, true, true).streaming()).isFalse();
        assertThat(new Capabilities(true, true, true, true, true, true, true, true, true, false).streaming()).isFalse();
        assertThat(new Capabilities(true, true, true, true, true, true, true, true, true, true).streaming()).isTrue();

        ContainerRuntime withoutStreams = new io.staticpod.runtime.spi.testing.FakeContainerRuntime(
                java.time.InstantSource.system(), new Capabilities(false, false, false, false, false, false));
        assertThat(withoutStreams.streaming()).isEmpty();
    }
}
