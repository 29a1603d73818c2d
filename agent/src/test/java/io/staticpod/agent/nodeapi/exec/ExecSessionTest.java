package io.staticpod.agent.nodeapi.exec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.staticpod.runtime.spi.ExecStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade step of the agent's exec server, on an embedded channel with the server's pipeline: which requests are
 * switched to SPDY/3.1 and which are refused, with what. (The streams themselves: NodeApiIT, kubectl through a real
 * API server.)
 */
class ExecSessionTest {
    private static final ExecStreams NEVER_STARTED = new ExecStreams() {
        @Override
        public Process start(String containerId, List<String> command, boolean stdin, boolean tty) {
            throw new AssertionError("no command may start");
        }

        @Override
        public Process attach(String containerId) {
            throw new AssertionError("no attach may start");
        }
    };
    private final StreamServer server = new StreamServer(NEVER_STARTED);

    @AfterEach
    void close() {
        server.close();
    }

    @Test
    void aRegisteredUrlIsSwitchedToSpdyWithTheV4ProtocolOnceAndThenUnknown() {
        URI url = server.exec("c1", List.of("date"), false, true, true, false);

        EmbeddedChannel first = channel();
        String answer = send(first, url.getRawPath(), "SPDY/3.1", "v4.channel.k8s.io, v3.channel.k8s.io");
        EmbeddedChannel second = channel();
        String again = send(second, url.getRawPath(), "SPDY/3.1", "v4.channel.k8s.io");

        assertThat(answer).startsWith("HTTP/1.1 101 Switching Protocols\r\n").containsIgnoringCase("upgrade: SPDY/3.1")
                .containsIgnoringCase("x-stream-protocol-version: v4.channel.k8s.io");
        assertThat(first.pipeline().get(SpdyFrameCodec.class)).isNotNull();
        assertThat(first.pipeline().get(HttpServerCodec.class)).isNull();
        assertThat(again).startsWith("HTTP/1.1 404 ").contains("unknown, used or expired stream URL");
        assertThat(second.isOpen()).isFalse();
    }

    @Test
    void anUnknownTokenIsNotFound() {
        String answer = send(channel(), "/exec/0123456789abcdef0123456789abcdef", "SPDY/3.1", "v4.channel.k8s.io");

        assertThat(answer).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void anotherUpgradeThanSpdyIsABadRequestThatNamesIt() {
        URI url = server.exec("c1", List.of("date"), false, true, true, false);

        String answer = send(channel(), url.getRawPath(), "websocket", "v4.channel.k8s.io");

        assertThat(answer).startsWith("HTTP/1.1 400 ")
                .contains("this stream is served over SPDY/3.1 only; the request asked for \"websocket\"");
    }

    @Test
    void aClientWithoutTheV4ProtocolIsForbiddenWithBothSidesNamed() {
        URI url = server.exec("c1", List.of("date"), false, true, true, false);

        String answer = send(channel(), url.getRawPath(), "SPDY/3.1", "v3.channel.k8s.io,channel.k8s.io");

        assertThat(answer).startsWith("HTTP/1.1 403 ").contains("unable to negotiate protocol: client supports"
                + " [v3.channel.k8s.io, channel.k8s.io], server supports [v4.channel.k8s.io]");
    }

    @Test
    void aPortForwardUrlIsSwitchedWithItsOwnProtocolOnlyOnItsOwnPath() {
        URI forward = server.forward("web", "uid-1", null, "10.0.0.7");
        URI exec = server.exec("c1", List.of("date"), false, true, true, false);

        EmbeddedChannel ch = channel();
        String answer = send(ch, forward.getRawPath(), "SPDY/3.1", "portforward.k8s.io");
        String execOnForwardPath = send(channel(), "/portforward/" + exec.getRawPath().substring("/exec/".length()),
                "SPDY/3.1", "v4.channel.k8s.io");

        assertThat(forward.getRawPath()).startsWith("/portforward/");
        assertThat(answer).startsWith("HTTP/1.1 101 ")
                .containsIgnoringCase("x-stream-protocol-version: portforward.k8s.io");
        assertThat(ch.pipeline().get(ForwardSession.class)).isNotNull();
        assertThat(ch.pipeline().get(ExecSession.class)).isNull();
        assertThat(execOnForwardPath).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void anAttachUrlIsSwitchedWithTheV4ProtocolOnlyOnItsOwnPath() {
        URI attach = server.attach("c1", false, true, true);
        URI other = server.attach("c1", false, true, true);

        EmbeddedChannel ch = channel();
        String answer = send(ch, attach.getRawPath(), "SPDY/3.1", "v4.channel.k8s.io");
        String onExecPath = send(channel(), "/exec/" + other.getRawPath().substring("/attach/".length()),
                "SPDY/3.1", "v4.channel.k8s.io");

        assertThat(attach.getRawPath()).startsWith("/attach/");
        assertThat(answer).startsWith("HTTP/1.1 101 ").containsIgnoringCase("x-stream-protocol-version: v4.channel");
        assertThat(ch.pipeline().get(ExecSession.class)).isNotNull();
        assertThat(onExecPath).startsWith("HTTP/1.1 404 ");
    }

    @Test
    void aPortForwardClientOfferingOnlyExecProtocolsIsForbidden() {
        URI forward = server.forward("web", "uid-1", null, "10.0.0.7");

        String answer = send(channel(), forward.getRawPath(), "SPDY/3.1", "v4.channel.k8s.io");

        assertThat(answer).startsWith("HTTP/1.1 403 ").contains("server supports [portforward.k8s.io]");
    }

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS), new HttpServerCodec(),
                new HttpObjectAggregator(16 * 1024), new ExecSession(server));
    }

    private static String send(EmbeddedChannel ch, String path, String upgrade, String protocols) {
        String request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: " + upgrade
                + "\r\nX-Stream-Protocol-Version: " + protocols + "\r\nContent-Length: 0\r\n\r\n";
        ch.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        StringBuilder out = new StringBuilder();
        for (ByteBuf b = ch.readOutbound(); b != null; b = ch.readOutbound()) {
            out.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return out.toString();
    }
}
