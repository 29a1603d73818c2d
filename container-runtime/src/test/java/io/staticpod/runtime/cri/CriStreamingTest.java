package io.staticpod.runtime.cri;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.staticpod.runtime.cri.proto.Cri;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.StreamingUrls;
import io.staticpod.runtime.spi.StreamingUrls.StreamOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The requests behind {@link CriRuntime#streaming()} and how the runtime's answers are read, against an in-process
 * CRI server. What containerd's streaming server does with them is tested in src-it ({@code CriStreamingIT}).
 */
class CriStreamingTest {
    private static final CriSettings SETTINGS = CriSettings.of("unix:///run/test/cri.sock")
            .withCallTimeout(Duration.ofSeconds(5)).withExitEvents(false);
    private static final String URL = "http://127.0.0.1:36793/exec/Tk3nT0k3";

    private final Streams runtime = new Streams();
    private FakeCriServer server;
    private StreamingUrls streaming;

    @BeforeEach
    void connect() throws Exception {
        server = new FakeCriServer(runtime);
        CriRuntime cri = server.runtime(SETTINGS);
        assertThat(cri.capabilities().streaming()).isTrue();
        streaming = cri.streaming().orElseThrow();
    }

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void theFieldsGoOnTheWireWithTheCrisNumbers() {
        // tag = field number << 3 | wire type (0 varint, 2 length-delimited): a renumbered field changes these bytes
        assertThat(hex(CriStreaming.execRequest("c", List.of("a"), new StreamOptions(true, true, false, true))))
                .isEqualTo("0a0163" + "120161" + "1801" + "2001" + "2801");
        assertThat(hex(CriStreaming.execRequest("c", List.of("a"), new StreamOptions(false, false, true, false))))
                .isEqualTo("0a0163" + "120161" + "3001");
        assertThat(hex(CriStreaming.attachRequest("c", new StreamOptions(true, false, false, true))))
                .isEqualTo("0a0163" + "1001" + "1801");
        assertThat(hex(CriStreaming.attachRequest("c", new StreamOptions(false, true, true, false))))
                .isEqualTo("0a0163" + "2001" + "2801");
        assertThat(hex(CriStreaming.portForwardRequest("s", List.of(80, 8080))))
                .as("repeated int32 port = 2, packed").isEqualTo("0a0173" + "1203" + "50" + "903f");
        assertThat(Cri.ExecResponse.newBuilder().setUrl("u").build().toByteString().toByteArray())
                .containsExactly(0x0a, 0x01, 'u');
    }

    @Test
    void execAsksForTheCommandAndTheStreamsAndAnswersTheRuntimesUrl() {
        URI url = streaming.exec("c1", List.of("sh", "-c", "echo hello"), new StreamOptions(true, true, false, true));

        assertThat(url).isEqualTo(URI.create(URL));
        assertThat(runtime.last()).isEqualTo(Cri.ExecRequest.newBuilder().setContainerId("c1")
                .addAllCmd(List.of("sh", "-c", "echo hello")).setStdin(true).setStdout(true).setTty(true).build());
    }

    @Test
    void attachAndPortForwardAskForWhatTheyWereGiven() {
        streaming.attach("c1", StreamOptions.OUTPUT);
        assertThat(runtime.last()).isEqualTo(Cri.AttachRequest.newBuilder().setContainerId("c1")
                .setStdout(true).setStderr(true).build());

        streaming.portForward("s1", List.of(8080, 9090));
        assertThat(runtime.last()).isEqualTo(Cri.PortForwardRequest.newBuilder().setPodSandboxId("s1")
                .addPort(8080).addPort(9090).build());
        streaming.portForward("s1", List.of());
        assertThat(((Cri.PortForwardRequest) runtime.last()).getPortList()).as("a SPDY client's request").isEmpty();
    }

    @Test
    void badCommandsAndPortsAreRefusedBeforeTheRuntimeIsAsked() {
        assertThatThrownBy(() -> streaming.exec("c1", List.of(), StreamOptions.OUTPUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> streaming.portForward("s1", List.of(70000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThat(runtime.asked).isZero();
    }

    @Test
    void aContainerThatIsNotRunningIsNotFoundWithTheRuntimesWords() {
        runtime.failure = Status.UNKNOWN.withDescription("container is in CONTAINER_EXITED state");
        runtime.containerState = Cri.ContainerState.CONTAINER_EXITED;
        assertThatThrownBy(() -> streaming.exec("c1", List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class)
                .hasMessageContaining("CRI Exec c1 at unix:///run/test/cri.sock failed with UNKNOWN")
                .hasMessageContaining("CONTAINER_EXITED state").hasMessageContaining("(the container is not running)");
        assertThatThrownBy(() -> streaming.attach("c1", StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("CRI Attach c1");

        runtime.failure = Status.NOT_FOUND.withDescription("an error occurred when try to find container \"c2\"");
        runtime.containerState = null;
        assertThatThrownBy(() -> streaming.exec("c2", List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("find container");
    }

    @Test
    void aSandboxThatIsNotReadyIsNotFound() {
        runtime.failure = Status.UNKNOWN.withDescription("sandbox container is not running");
        runtime.sandboxState = Cri.PodSandboxState.SANDBOX_NOTREADY;
        assertThatThrownBy(() -> streaming.portForward("s1", List.of(80)))
                .isInstanceOf(RuntimeError.NotFound.class).hasMessageContaining("CRI PortForward s1")
                .hasMessageContaining("(the sandbox is not ready)");
    }

    @Test
    void aRefusalOfARunningContainerStaysARefusalAndADownRuntimeIsUnavailable() {
        runtime.failure = Status.RESOURCE_EXHAUSTED.withDescription("maximum number of in-flight requests exceeded");
        runtime.containerState = Cri.ContainerState.CONTAINER_RUNNING;
        assertThatThrownBy(() -> streaming.exec("c1", List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("in-flight");

        runtime.failure = Status.UNAVAILABLE.withDescription("connection refused");
        assertThatThrownBy(() -> streaming.exec("c1", List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(runtime.statusAsked).as("nothing to look at when the runtime is down").isEqualTo(1);
    }

    @Test
    void anAnswerThatIsNoAbsoluteUrlIsRefusedWithoutShowingTheToken() {
        runtime.url = "/exec/S3cr3tT0ken";
        assertThatThrownBy(() -> streaming.exec("c1", List.of("true"), StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("answered no absolute http(s) URL")
                .hasMessageNotContaining("S3cr3tT0ken");
        runtime.url = "not a url at all S3cr3tT0ken";
        assertThatThrownBy(() -> streaming.attach("c1", StreamOptions.OUTPUT))
                .isInstanceOf(RuntimeError.Refused.class).hasMessageNotContaining("S3cr3tT0ken");
    }

    private static String hex(com.google.protobuf.MessageLite message) {
        return HexFormat.of().formatHex(message.toByteArray());
    }

    /** A runtime whose streaming calls answer {@link #url}, or fail with {@link #failure} when it is set. */
    static final class Streams extends FakeCriServer.Runtime {
        volatile String url = URL;
        volatile Cri.ContainerState containerState;
        volatile Cri.PodSandboxState sandboxState;
        volatile int asked;
        volatile int statusAsked;
        private volatile Object last;

        Streams() {
            failure = null;
        }

        Object last() {
            return last;
        }

        @Override
        public void exec(Cri.ExecRequest request, StreamObserver<Cri.ExecResponse> o) {
            answer(request, o, Cri.ExecResponse.newBuilder().setUrl(url).build());
        }

        @Override
        public void attach(Cri.AttachRequest request, StreamObserver<Cri.AttachResponse> o) {
            answer(request, o, Cri.AttachResponse.newBuilder().setUrl(url).build());
        }

        @Override
        public void portForward(Cri.PortForwardRequest request, StreamObserver<Cri.PortForwardResponse> o) {
            answer(request, o, Cri.PortForwardResponse.newBuilder().setUrl(url).build());
        }

        private <T> void answer(Object request, StreamObserver<T> o, T response) {
            asked++;
            last = request;
            if (failure != null) {
                o.onError(failure.asRuntimeException());
                return;
            }
            o.onNext(response);
            o.onCompleted();
        }

        @Override
        public void containerStatus(Cri.ContainerStatusRequest request, StreamObserver<Cri.ContainerStatusResponse> o) {
            statusAsked++;
            if (containerState == null) {
                o.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            o.onNext(Cri.ContainerStatusResponse.newBuilder().setStatus(Cri.ContainerStatus.newBuilder()
                    .setId(request.getContainerId()).setState(containerState)).build());
            o.onCompleted();
        }

        @Override
        public void podSandboxStatus(Cri.PodSandboxStatusRequest request, StreamObserver<Cri.PodSandboxStatusResponse> o) {
            if (sandboxState == null) {
                o.onError(Status.NOT_FOUND.asRuntimeException());
                return;
            }
            o.onNext(Cri.PodSandboxStatusResponse.newBuilder().setStatus(Cri.PodSandboxStatus.newBuilder()
                    .setId(request.getPodSandboxId()).setState(sandboxState)
                    .setMetadata(Cri.PodSandboxMetadata.newBuilder().setName("p").setNamespace("ns").setUid("u"))
                    .setCreatedAt(1)).build());
            o.onCompleted();
        }
    }
}
