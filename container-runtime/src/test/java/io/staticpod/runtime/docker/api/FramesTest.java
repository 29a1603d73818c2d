package io.staticpod.runtime.docker.api;

import io.staticpod.runtime.spi.LogReader.LogLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Docker's multiplexed stream and its time-stamped log lines. */
class FramesTest {

    private static void frame(ByteArrayOutputStream out, int stream, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(new byte[]{(byte) stream, 0, 0, 0, (byte) (p.length >>> 24), (byte) (p.length >>> 16),
                (byte) (p.length >>> 8), (byte) p.length});
        out.writeBytes(p);
    }

    @Test
    void framesAreReadWithTheirStreamAndLogLinesWithTheirTimeAndWhetherTheyEnded() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, "2024-05-01T10:00:00.123456789Z hello\n");
        frame(out, 2, "2024-05-01T10:00:01Z no end");
        Frames frames = new Frames(new ByteArrayInputStream(out.toByteArray()));

        LogLine first = ApiLogs.line(frames.next());
        LogLine second = ApiLogs.line(frames.next());

        assertThat(first.stream()).isEqualTo(LogLine.Stream.STDOUT);
        assertThat(first.time()).isEqualTo(Instant.parse("2024-05-01T10:00:00.123456789Z"));
        assertThat(new String(first.bytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(first.partial()).isFalse();
        assertThat(second.stream()).isEqualTo(LogLine.Stream.STDERR);
        assertThat(new String(second.bytes(), StandardCharsets.UTF_8)).isEqualTo("no end");
        assertThat(second.partial()).isTrue();
        assertThat(frames.next()).isNull();
    }

    @Test
    void aStreamCutInsideAFrameIsAnError() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, "2024-05-01T10:00:00Z hello\n");
        byte[] cut = java.util.Arrays.copyOf(out.toByteArray(), 12);

        assertThatThrownBy(() -> new Frames(new ByteArrayInputStream(cut)).next()).isInstanceOf(EOFException.class);
    }

    @Test
    void pullQueriesSplitTheTagFromTheRepository() {
        assertThat(ApiImages.query("registry.local:5000/team/app:1.2")).isEqualTo(
                "fromImage=registry.local%3A5000%2Fteam%2Fapp&tag=1.2");
        assertThat(ApiImages.query("busybox")).isEqualTo("fromImage=busybox&tag=latest");
        assertThat(ApiImages.query("registry.local:5000/app")).isEqualTo("fromImage=registry.local%3A5000%2Fapp&tag=latest");
        assertThat(ApiImages.query("app@sha256:abc")).isEqualTo("fromImage=app%40sha256%3Aabc");
        assertThat(ApiClient.older("1.41", "1.44")).isEqualTo("1.41");
        assertThat(ApiClient.older("1.41", "1.9")).isEqualTo("1.9");
    }
}
