package io.staticpod.agent.nodeapi.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.staticpod.agent.nodeapi.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Hands an authorized upgrade request over to another HTTP server, as the kubelet's upgrade-aware proxy does for CRI
 * streaming: connect to the target, send it the request (the target's path and query, the client's headers less its
 * credentials and {@code Host}), then take every HTTP handler off the client's connection and copy bytes both ways
 * ({@link Relay}), the target's {@code 101 Switching Protocols} included. Bytes the client sent early are forwarded
 * after the request.
 */
final class Tunnel {
    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** Not forwarded: the node API's own credentials and framing. */
    private static final Set<String> DROPPED = Set.of("host", "authorization", "proxy-authorization", "content-length",
            "transfer-encoding");

    private Tunnel() {
    }

    static void open(ChannelHandlerContext client, Request request, URI target, NettyExchange exchange) {
        if (!"http".equals(target.getScheme()) || target.getHost() == null) {
            exchange.respond(502, NettyExchange.TEXT, ("the runtime's streaming server is not a plain http URL: "
                    + target.getScheme() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        int port = target.getPort() > 0 ? target.getPort() : 80;
        Bootstrap b = new Bootstrap().group(client.channel().eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new HttpRequestEncoder());
        b.connect(target.getHost(), port).addListener((ChannelFuture connected) -> {
            if (!connected.isSuccess()) {
                exchange.respond(502, NettyExchange.TEXT, ("cannot reach the runtime's streaming server: "
                        + connected.cause().getMessage() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            Channel backend = connected.channel();
            backend.writeAndFlush(forwarded(request, target)).addListener((ChannelFuture sent) -> {
                if (!sent.isSuccess()) {
                    backend.close();
                    exchange.respond(502, NettyExchange.TEXT, "the runtime's streaming server closed the connection\n"
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    return;
                }
                splice(client, backend);
                exchange.handedOver();
                log.debug("Node API connection handed over request={} target={}:{}", request, target.getHost(), port);
            });
            client.channel().closeFuture().addListener((ChannelFutureListener) f -> Relay.closeAfterFlush(backend));
        });
    }

    static FullHttpRequest forwarded(Request request, URI target) {
        String pathAndQuery = (target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath())
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
        FullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()),
                pathAndQuery);
        for (Map.Entry<String, String> h : request.headers()) {
            if (!DROPPED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                out.headers().add(h.getKey(), h.getValue());
            }
        }
        out.headers().set("Host", target.getRawAuthority());
        return out;
    }

    /** On the event loop: both pipelines become relays. */
    private static void splice(ChannelHandlerContext client, Channel backend) {
        backend.pipeline().remove(HttpRequestEncoder.class);
        ChannelPipeline p = client.pipeline();
        UpgradeGate gate = p.get(UpgradeGate.class);
        ByteBuf early = gate == null ? null : gate.drain(p.context(UpgradeGate.class));
        for (Class<? extends io.netty.channel.ChannelHandler> h : java.util.List.of(IdleStateHandler.class,
                HttpObjectAggregator.class, HttpResponseEncoder.class, UpgradeGate.class, HttpHandler.class)) {
            if (p.get(h) != null) {
                p.remove(h);
            }
        }
        backend.pipeline().addLast(new Relay(client.channel()));
        if (early != null && early.isReadable()) {
            backend.writeAndFlush(early);
        } else if (early != null) {
            early.release();
        }
        p.addLast(new Relay(backend));
    }
}
