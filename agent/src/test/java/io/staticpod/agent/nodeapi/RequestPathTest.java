package io.staticpod.agent.nodeapi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestPathTest {
    @Test
    void eachSegmentIsDecodedOnItsOwnSoAnEncodedSlashStaysInsideIt() {
        assertThat(RequestPath.segments("/containerLogs/ns/a%2Fb/c")).containsExactly("containerLogs", "ns", "a/b", "c");
    }

    @Test
    void dotSegmentsAreNamesNeverParents() {
        assertThat(RequestPath.segments("/metrics/../containerLogs")).containsExactly("metrics", "..", "containerLogs");
        assertThat(RequestPath.segments("/a/%2e%2e/b")).containsExactly("a", "..", "b");
    }

    @Test
    void emptySegmentsStayAndOneTrailingSlashIsDropped() {
        assertThat(RequestPath.segments("/pods/")).containsExactly("pods");
        assertThat(RequestPath.segments("/containerLogs//x")).containsExactly("containerLogs", "", "x");
        assertThat(RequestPath.segments("/")).isEmpty();
    }

    @Test
    void aMalformedEscapeOrAPathWithoutLeadingSlashIsRefused() {
        assertThat(RequestPath.segments("/a/b%zz")).isNull();
        assertThat(RequestPath.segments("/a/b%2")).isNull();
        assertThat(RequestPath.segments("a/b")).isNull();
    }

    @Test
    void plusIsALiteralInAPathAndUtf8IsDecoded() {
        assertThat(RequestPath.segments("/a+b/%C3%A9")).isEqualTo(List.of("a+b", "é"));
    }
}
