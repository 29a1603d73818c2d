package io.staticpod.runtime.docker.api;

import io.staticpod.runtime.spi.RuntimeError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine's answers, typed. Messages are Docker 20.10's and 29's own. */
class ApiErrorsTest {

    private static byte[] message(String text) {
        return ("{\"message\":\"" + text + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private static RuntimeError status(ApiErrors.Kind kind, int status, String text) {
        return ApiErrors.status(kind, "the call", status, message(text), "1.41");
    }

    @Test
    void missingThingsAreNotFoundExceptImagesWhichAreUnavailable() {
        assertThat(status(ApiErrors.Kind.READ, 404, "No such container: abc")).isInstanceOf(RuntimeError.NotFound.class)
                .hasMessage("docker: the call: the engine answered 404: No such container: abc");
        assertThat(status(ApiErrors.Kind.CREATE, 404, "No such image: x:1"))
                .isInstanceOf(RuntimeError.ImageUnavailable.class);
        assertThat(status(ApiErrors.Kind.IMAGE, 404, "pull access denied"))
                .isInstanceOf(RuntimeError.ImageUnavailable.class);
        assertThat(status(ApiErrors.Kind.IMAGE, 500, "Get https://r.local/v2/: no such host"))
                .isInstanceOf(RuntimeError.ImageUnavailable.class);
    }

    @Test
    void anExecInAContainerThatIsGoneOrNotRunningIsNotFound() {
        assertThat(status(ApiErrors.Kind.EXEC, 409, "Container abc is not running"))
                .isInstanceOf(RuntimeError.NotFound.class);
        assertThat(status(ApiErrors.Kind.EXEC, 404, "No such container: abc")).isInstanceOf(RuntimeError.NotFound.class);
    }

    @Test
    void refusalsAreRefusedAndEngineFailuresUnavailableButAFailedStartIsRefused() {
        assertThat(status(ApiErrors.Kind.CREATE, 409, "Conflict. The container name is already in use"))
                .isInstanceOf(RuntimeError.Refused.class);
        assertThat(status(ApiErrors.Kind.START, 400, "OCI runtime create failed")).isInstanceOf(RuntimeError.Refused.class);
        assertThat(status(ApiErrors.Kind.START, 500, "driver failed programming external connectivity: port is"
                + " already allocated")).isInstanceOf(RuntimeError.Refused.class);
        assertThat(status(ApiErrors.Kind.READ, 500, "containerd: connection refused"))
                .isInstanceOf(RuntimeError.Unavailable.class);
        assertThat(status(ApiErrors.Kind.OTHER, 503, "shutting down")).isInstanceOf(RuntimeError.Unavailable.class);
    }

    @Test
    void anEngineRefusingOurApiVersionNamesBothVersions() {
        RuntimeError e = status(ApiErrors.Kind.OTHER, 400, "client version 1.41 is too old. Minimum supported API"
                + " version is 1.44, please upgrade your client to a newer version");

        assertThat(e).isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("1.41")
                .hasMessageContaining("at least 1.44");
    }

    @Test
    void noAnswerIsUnavailableAndAPassedDeadlineTimedOut() {
        assertThat(ApiErrors.transport("the call", "unix:///x.sock", new IOException("Connection refused")))
                .isInstanceOf(RuntimeError.Unavailable.class).hasMessageContaining("unix:///x.sock");
        assertThat(ApiErrors.transport("the call", "unix:///x.sock",
                new DockerHttp.TimedOutException("no answer within PT1S", null)))
                .isInstanceOf(RuntimeError.TimedOut.class).hasMessageContaining("PT1S");
    }

    @Test
    void aBodyThatIsNotJsonIsQuotedCut() {
        assertThat(ApiErrors.message("plain text\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("plain text");
        assertThat(ApiErrors.message("x".repeat(5000).getBytes(StandardCharsets.UTF_8))).hasSize(1001);
    }

    @Test
    void environmentValuesAreTakenOutOfAMessageKeepingItsType() {
        RuntimeError e = status(ApiErrors.Kind.CREATE, 400, "invalid env PASSWORD=hunter2-secret");

        RuntimeError redacted = ApiErrors.redact(e, List.of("hunter2-secret", "ab"));

        assertThat(redacted).isInstanceOf(RuntimeError.Refused.class).hasMessageContaining("PASSWORD=…")
                .hasMessageNotContaining("hunter2");
    }
}
