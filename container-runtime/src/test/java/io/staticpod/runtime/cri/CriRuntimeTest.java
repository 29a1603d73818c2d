package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CriRuntimeTest {
    private static final CriSettings SETTINGS = CriSettings.of("unix:///run/test/cri.sock")
            .withCallTimeout(Duration.ofMillis(300));

    @Test
    void aRuntimeThatAnswersOnlyTheOlderCriIsNamedWithWhatWasAskedAndAnswered() throws Exception {
        try (FakeCriServer server = new FakeCriServer(FakeCriServer.v1alpha2Only("containerd", "v1.5.18"));
             CriRuntime cri = server.runtime(SETTINGS)) {
            assertThatThrownBy(cri::version).isInstanceOf(RuntimeError.Refused.class)
                    .hasMessageContaining("CRI runtime.v1 is not served at unix:///run/test/cri.sock")
                    .hasMessageContaining("asked runtime.v1.RuntimeService/Version, answered UNIMPLEMENTED")
                    .hasMessageContaining("it serves only runtime.v1alpha2 (containerd v1.5.18)");
            // any first call says the same, not an UNIMPLEMENTED of its own
            assertThatThrownBy(() -> cri.containers().status("abc")).isInstanceOf(RuntimeError.Refused.class)
                    .hasMessageContaining("runtime.v1alpha2 (containerd v1.5.18)");
        }
    }

    @Test
    void aServerWithoutAnyCriSaysSo() throws Exception {
        try (FakeCriServer server = new FakeCriServer(new FakeCriServer.Images());
             CriRuntime cri = server.runtime(SETTINGS)) {
            assertThatThrownBy(cri::version).isInstanceOf(RuntimeError.Refused.class)
                    .hasMessageContaining("runtime.v1alpha2.RuntimeService/Version answered UNIMPLEMENTED")
                    .hasMessageContaining("no CRI is served there");
        }
    }

    @Test
    void theVersionOfAV1RuntimeIsItsOwn() throws Exception {
        try (FakeCriServer server = new FakeCriServer(new FakeCriServer.Runtime());
             CriRuntime cri = server.runtime(SETTINGS)) {
            assertThat(cri.version().toString()).isEqualTo("fakecri v9.9.9 (API v1)");
        }
    }

    @Test
    void statusCodesBecomeTypedErrors() throws Exception {
        FakeCriServer.Runtime runtime = new FakeCriServer.Runtime();
        try (FakeCriServer server = new FakeCriServer(runtime, new FakeCriServer.Images());
             CriRuntime cri = server.runtime(SETTINGS)) {
            runtime.failure = Status.NOT_FOUND.withDescription("container \"abc\" not found");
            assertThat(cri.containers().status("abc")).isEmpty();
            cri.containers().stop("abc", Duration.ofSeconds(1));
            assertThatThrownBy(() -> cri.containers().start("abc")).isInstanceOf(RuntimeError.NotFound.class);

            runtime.failure = Status.UNAVAILABLE.withDescription("connection refused");
            assertThatThrownBy(() -> cri.containers().status("abc")).isInstanceOf(RuntimeError.Unavailable.class)
                    .hasMessageContaining("CRI ContainerStatus abc at unix:///run/test/cri.sock failed with"
                            + " UNAVAILABLE: connection refused");

            runtime.failure = Status.UNKNOWN.withDescription("failed to create shim task: OCI runtime create failed");
            assertThatThrownBy(() -> cri.containers().start("abc")).isInstanceOf(RuntimeError.Refused.class)
                    .hasMessageContaining("StartContainer abc").hasMessageContaining("OCI runtime create failed");

            runtime.failure = Status.INVALID_ARGUMENT.withDescription("bad timeout");
            assertThatThrownBy(() -> cri.containers().stop("abc", Duration.ofSeconds(1)))
                    .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("bad timeout");
        }
    }

    @Test
    void aFailedPullIsAnUnavailableImageWithTheRegistrysAnswer() throws Exception {
        try (FakeCriServer server = new FakeCriServer(new FakeCriServer.Runtime(), new FakeCriServer.Images());
             CriRuntime cri = server.runtime(SETTINGS)) {
            assertThat(cri.images().status("busybox")).isEmpty();
            assertThatThrownBy(() -> cri.images().pull("busybox")).isInstanceOf(RuntimeError.ImageUnavailable.class)
                    .hasMessageContaining("PullImage busybox").hasMessageContaining("not found");
        }
    }

    @Test
    void aRuntimeThatNeverAnswersTimesOutAtTheDeadline() throws Exception {
        FakeCriServer.Runtime runtime = new FakeCriServer.Runtime();
        try (FakeCriServer server = new FakeCriServer(runtime);
             CriRuntime cri = server.runtime(SETTINGS)) {
            assertThatThrownBy(() -> cri.containers().list(Map.of("a", "b")))
                    .isInstanceOf(RuntimeError.TimedOut.class)
                    .hasMessageContaining("ListContainers").hasMessageContaining("DEADLINE_EXCEEDED");
        }
    }

    @Test
    void capabilitiesAreDataAndMatchTheOptionalParts() throws Exception {
        try (FakeCriServer server = new FakeCriServer(new FakeCriServer.Runtime());
             CriRuntime cri = server.runtime(SETTINGS)) {
            var c = cri.capabilities();
            assertThat(cri.exec().isPresent()).isEqualTo(c.exec());
            assertThat(cri.events().isPresent()).isEqualTo(c.exitEvents()).isFalse();
            assertThat(cri.logs().isPresent()).isEqualTo(c.logs());
            assertThat(cri.logRotation().isPresent()).isEqualTo(c.logRotation()).isTrue();
            assertThat(cri.streaming().isPresent()).isEqualTo(c.streaming()).isTrue();
            assertThat(c.podNetwork()).isTrue();
            assertThat(c.logFiles()).isTrue();
            assertThat(cri.name()).isEqualTo("containerd");
            assertThat(CriSettings.of("/var/run/crio/crio.sock").name()).isEqualTo("cri-o");
            assertThat(CriSettings.of("/var/run/crio/crio.sock").endpoint()).isEqualTo("unix:///var/run/crio/crio.sock");
            assertThat(CriSettings.of("unix:///var/run/crio/crio.sock").socketPath()).isEqualTo("/var/run/crio/crio.sock");
        }
    }
}
