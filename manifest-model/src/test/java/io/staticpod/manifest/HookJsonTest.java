package io.staticpod.manifest;

import io.staticpod.manifest.model.Probe;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A hook kept on a container as JSON and read back when it is stopped. */
class HookJsonTest {

    @Test
    void everyHandlerComesBackAsItWasWritten() {
        List<Probe.Action> hooks = List.of(new Probe.Exec(List.of("sh", "-c", "echo \"bye\"")),
                new Probe.HttpGet("HTTPS", null, "8443", "/shutdown", List.of(new Probe.Header("X-A", "b"))),
                new Probe.Sleep(7), new Probe.TcpSocket("10.0.0.1", "80"));

        for (Probe.Action hook : hooks) {
            assertThat(HookJson.read(HookJson.write(hook))).isEqualTo(hook);
        }
        assertThat(HookJson.write(new Probe.Sleep(7))).isEqualTo("{\"sleep\":{\"seconds\":7}}");
    }

    @Test
    void whatIsNotAHandlersJsonIsNoHook() {
        assertThat(HookJson.read(null)).isNull();
        assertThat(HookJson.read("")).isNull();
        assertThat(HookJson.read("{not json")).isNull();
        assertThat(HookJson.read("[1]")).isNull();
        assertThat(HookJson.read("{\"exec\":{},\"sleep\":{}}")).isNull();
    }
}
