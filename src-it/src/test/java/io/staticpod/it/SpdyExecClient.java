package io.staticpod.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The client side of the Kubernetes exec protocol over SPDY/3.1, as the API server (up to 1.35) speaks it to a node,
 * with Netty's SPDY codec: an HTTP/1.1 upgrade ({@code Upgrade: SPDY/3.1}, {@code X-Stream-Protocol-Version}), then
 * one client-initiated SPDY stream per {@code streamType} header ({@code error}, then {@code stdin}, {@code stdout},
 * {@code stderr}), the server's data frames on each, until the server closes the connection. For tests only: no
 * flow-control window updates (fine below 64 KiB of output), no terminal resize.
 */
final class SpdyExecClient {
    private static final int ERROR = 1;
    private static final int STDIN = 3;
    private static final int STDOUT = 5;
    private static final int STDERR = 7;

    /** What came back: the protocol the server chose, each stream's bytes as text. */
    record Result(String protocol, String stdout, String stderr, String error) {
    }

    private SpdyExecClient() {
    }

    /**
     * Runs the stream behind {@code url} (a one-use exec or attach URL asked for stdout and stderr) to its end;
     * {@code stdin}, when not null, is sent on a stdin stream (the URL must have been asked with stdin) and closed.
     */
    static Result run(URI url, String protocol, String stdin, Duration patience) throws Exception {
        NioEventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Session session = new Session(stdin);
            Channel channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast("http", new HttpClientCodec())
                                    .addLast("aggregate", new HttpObjectAggregator(64 * 1024))
                                    .addLast("upgrade", new Upgrade(session));
                        }
                    }).connect(url.getHost(), url.getPort()).sync().channel();
            DefaultFullHttpRequest upgrade = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                    url.getRawPath(), Unpooled.EMPTY_BUFFER);
            upgrade.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort())
                    .set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
                    .set("X-Stream-Protocol-Version", protocol).set(HttpHeaderNames.CONTENT_LENGTH, 0);
            channel.writeAndFlush(upgrade);
            channel.closeFuture().await(patience.toMillis(), TimeUnit.MILLISECONDS);
            if (channel.isOpen()) {
                channel.close();
                throw new AssertionError("the stream did not end within " + patience + "; so far " + session.result());
            }
            return session.result();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static final class Session {
        final String stdin;
        final Map<Integer, ByteArrayOutputStream> streams = new ConcurrentHashMap<>();
        final CompletableFuture<String> protocol = new CompletableFuture<>();

        Session(String stdin) {
            this.stdin = stdin;
        }

        String text(int stream) {
            ByteArrayOutputStream bytes = streams.get(stream);
            return bytes == null ? "" : bytes.toString(StandardCharsets.UTF_8);
        }

        Result result() {
            return new Result(protocol.getNow(null), text(STDOUT), text(STDERR), text(ERROR));
        }
    }

    /** Waits for 101 Switching Protocols, then swaps HTTP for SPDY and opens the streams. */
    private static final class Upgrade extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final Session session;

        Upgrade(Session session) {
            this.session = session;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
                session.protocol.complete("refused: " + response.status());
                ctx.close();
                return;
            }
            session.protocol.complete(response.headers().get("X-Stream-Protocol-Version"));
            ctx.pipeline().addAfter("upgrade", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1))
                    .addAfter("spdy", "streams", new Streams(session));
            ctx.pipeline().remove("aggregate");
            ctx.pipeline().remove("upgrade");
            ctx.pipeline().remove("http");
            for (Map.Entry<Integer, String> s : wanted(session.stdin != null)) {
                SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(s.getKey(), 0, (byte) 0);
                syn.headers().set("streamtype", s.getValue());
                ctx.channel().writeAndFlush(syn);
            }
            if (session.stdin != null) {
                ctx.channel().writeAndFlush(new DefaultSpdyDataFrame(STDIN,
                        Unpooled.copiedBuffer(session.stdin, StandardCharsets.UTF_8)).setLast(true));
            }
        }

        private static List<Map.Entry<Integer, String>> wanted(boolean stdin) {
            return stdin
                    ? List.of(Map.entry(ERROR, "error"), Map.entry(STDIN, "stdin"), Map.entry(STDOUT, "stdout"),
                    Map.entry(STDERR, "stderr"))
                    : List.of(Map.entry(ERROR, "error"), Map.entry(STDOUT, "stdout"), Map.entry(STDERR, "stderr"));
        }
    }

    /** Keeps each stream's data; answers pings; everything else (replies, settings, window updates) is ignored. */
    private static final class Streams extends SimpleChannelInboundHandler<Object> {
        private final Session session;

        Streams(Session session) {
            this.session = session;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object frame) {
            if (frame instanceof SpdyDataFrame data) {
                ByteBuf content = data.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                session.streams.computeIfAbsent(data.streamId(), id -> new ByteArrayOutputStream()).writeBytes(bytes);
            } else if (frame instanceof SpdyPingFrame ping) {
                ctx.writeAndFlush(ping);
            }
        }
    }
}
