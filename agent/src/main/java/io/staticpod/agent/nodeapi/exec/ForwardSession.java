package io.staticpod.agent.nodeapi.exec;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A port-forward connection ({@code portforward.k8s.io} over SPDY/3.1, after {@link ExecSession}'s upgrade): for each
 * of the client's connections it opens an {@code error} and a {@code data} stream with the same {@code requestID} and
 * a {@code port}; once both are there the agent connects to that port on the pod's loopback, from inside the pod's
 * network namespace as the kubelet does (the socket made there by {@link NetnsSockets}), so that a server bound to the
 * pod's {@code 127.0.0.1} is reached too; where the namespace cannot be entered at all, to the pod's address from the
 * node. Bytes are copied both ways on the server's event loop, each side read only when the other has taken what came
 * before (so neither fills the agent's memory). When the pod's side closes, the data stream is half-closed; when the
 * client half-closes it, the pod's side is shut for output. A connection that fails is told on the error stream, as
 * the kubelet words it ({@code error forwarding port 8080 to pod …, uid …: …}), and both streams are closed.
 * Everything but the making of a socket in a namespace runs on the event loop.
 */
final class ForwardSession extends StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(ForwardSession.class);
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final StreamServer.Forward forward;
    private final NetnsSockets sockets;
    private final Map<String, Pair> pairs = new HashMap<>(); // by requestID
    private final Map<Integer, Pair> byData = new HashMap<>(); // by the data stream's id

    /** One forwarded connection: its two streams, the connection to the pod, what came before it was up. */
    private static final class Pair {
        Integer error;
        Integer data;
        int port;
        boolean connecting;
        Channel target;
        final Queue<ByteBuf> early = new ArrayDeque<>();
        boolean clientDone;
    }

    ForwardSession(StreamServer.Forward forward, NetnsSockets sockets) {
        super("port-forward");
        this.forward = forward;
        this.sockets = sockets;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                stream(ctx, syn);
            } else if (msg instanceof SpdyDataFrame data) {
                data(ctx, data);
            } else if (msg instanceof SpdyRstStreamFrame reset) {
                Pair p = byData.get(reset.streamId());
                if (p != null && p.target != null) {
                    p.target.close();
                }
            } else if (msg instanceof SpdyGoAwayFrame) {
                ctx.close();
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (Pair p : pairs.values()) {
            if (p.target != null) {
                p.target.close();
            }
            p.early.forEach(ByteBuf::release);
            p.early.clear();
        }
        super.channelInactive(ctx);
    }

    private void stream(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        String type = ExecSession.reply(ctx, syn);
        String request = syn.headers().getAsString("requestid");
        String port = syn.headers().getAsString("port");
        if (type == null || request == null) {
            return;
        }
        Pair p = pairs.computeIfAbsent(request, r -> new Pair());
        if (type.equalsIgnoreCase("error")) {
            p.error = syn.streamId();
        } else if (type.equalsIgnoreCase("data")) {
            p.data = syn.streamId();
            byData.put(syn.streamId(), p);
        }
        if (p.error == null || p.data == null || p.connecting) {
            return;
        }
        p.connecting = true;
        try {
            p.port = Integer.parseInt(port == null ? "" : port.trim());
        } catch (NumberFormatException e) {
            p.port = -1;
        }
        if (p.port < 1 || p.port > 65535) {
            fail(ctx, p, "invalid port " + (port == null ? "(none)" : "\"" + port + "\""));
            return;
        }
        if (forward.netns() != null && sockets.unavailable() == null) {
            connectInside(ctx, p);
        } else if (forward.address() != null) {
            connectFromNode(ctx, p);
        } else {
            fail(ctx, p, sockets.unavailable());
        }
    }

    /** A socket made in the pod's namespace, connected to its loopback from the event loop. */
    private void connectInside(ChannelHandlerContext ctx, Pair p) {
        Channel client = ctx.channel();
        sockets.open(forward.netns()).whenComplete((socket, failure) -> client.eventLoop().execute(() -> {
            if (failure != null) {
                if (failure instanceof NetnsSockets.Unavailable && forward.address() != null) {
                    connectFromNode(ctx, p);
                } else {
                    fail(ctx, p, failure.getMessage());
                }
                return;
            }
            if (!client.isActive()) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the client has gone: nothing to tell
                }
                return;
            }
            NioSocketChannel target = new NioSocketChannel(socket);
            target.config().setAutoRead(false);
            target.config().setConnectTimeoutMillis(CONNECT_TIMEOUT_MILLIS);
            target.pipeline().addLast(relay(client, p));
            p.target = target;
            client.eventLoop().register(target).addListener((ChannelFuture registered) -> {
                if (!registered.isSuccess()) {
                    target.unsafe().closeForcibly();
                    fail(ctx, p, String.valueOf(registered.cause()));
                    return;
                }
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), p.port))
                        .addListener((ChannelFuture f) -> connected(ctx, p, f));
            });
        }));
    }

    /** A connection from the node to the pod's address (the node's loopback for a pod on the node's network). */
    private void connectFromNode(ChannelHandlerContext ctx, Pair p) {
        Bootstrap b = new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(relay(ctx.channel(), p));
        ChannelFuture connecting = b.connect(forward.address(), p.port);
        p.target = connecting.channel();
        connecting.addListener((ChannelFuture f) -> connected(ctx, p, f));
    }

    /** The pod's bytes to the client; the next read once the client's connection took them. */
    private ChannelInboundHandlerAdapter relay(Channel client, Pair p) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext target, Object msg) {
                client.writeAndFlush(new DefaultSpdyDataFrame(p.data, (ByteBuf) msg)).addListener(f -> {
                    if (f.isSuccess()) {
                        target.read();
                    } else {
                        target.close();
                    }
                });
            }

            @Override
            public void channelInactive(ChannelHandlerContext target) {
                finish(client, p);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext target, Throwable cause) {
                target.close();
            }
        };
    }

    /** Connected (or not): what the client sent before goes first, then the pod's side is read. */
    private void connected(ChannelHandlerContext ctx, Pair p, ChannelFuture f) {
        if (!f.isSuccess()) {
            fail(ctx, p, f.cause() == null ? "cannot connect" : f.cause().getMessage());
            return;
        }
        Channel target = f.channel();
        while (!p.early.isEmpty()) {
            target.write(p.early.poll());
        }
        target.flush();
        if (p.clientDone) {
            ((NioSocketChannel) target).shutdownOutput();
        }
        target.read();
    }

    /** The client's bytes to the pod; the connection to the client is not read while the pod's side is full. */
    private void data(ChannelHandlerContext ctx, SpdyDataFrame frame) {
        Pair p = byData.get(frame.streamId());
        if (p == null) {
            return;
        }
        ByteBuf bytes = frame.content();
        if (bytes.isReadable()) {
            if (p.target != null && p.target.isActive()) {
                p.target.writeAndFlush(bytes.retain());
                if (!p.target.isWritable()) {
                    ctx.channel().config().setAutoRead(false);
                    p.target.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ctx.channel().config()
                            .setAutoRead(true));
                }
            } else {
                p.early.add(bytes.retain());
            }
        }
        if (frame.isLast()) {
            p.clientDone = true;
            if (p.target instanceof NioSocketChannel socket && socket.isActive()) {
                socket.shutdownOutput();
            }
        }
    }

    /** The pod's side has closed: the data stream and the error stream are half-closed. */
    private void finish(Channel client, Pair p) {
        for (Integer id : new Integer[] {p.data, p.error}) {
            DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
            fin.setLast(true);
            client.write(fin);
        }
        client.flush();
    }

    private void fail(ChannelHandlerContext ctx, Pair p, String why) {
        String message = "error forwarding port " + p.port + " to pod " + forward.pod() + ", uid " + forward.uid()
                + ": " + why;
        log.debug("Port-forward failed: {}", message);
        ctx.channel().write(new DefaultSpdyDataFrame(p.error, Unpooled.copiedBuffer(message, StandardCharsets.UTF_8)));
        p.target = null;
        finish(ctx.channel(), p);
    }
}
