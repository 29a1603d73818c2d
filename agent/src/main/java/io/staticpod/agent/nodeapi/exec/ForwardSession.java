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

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A port-forward connection ({@code portforward.k8s.io} over SPDY/3.1, after {@link ExecSession}'s upgrade): for each
 * of the client's connections it opens an {@code error} and a {@code data} stream with the same {@code requestID} and
 * a {@code port}; once both are there the agent connects to that port at the pod's address and copies bytes both ways
 * on the server's event loop, each side read only when the other has taken what came before (so neither fills the
 * agent's memory). When the pod's side closes, the data stream is half-closed; when the client half-closes it, the
 * pod's side is shut for output. A connection that fails is told on the error stream, as the kubelet words it
 * ({@code error forwarding port 8080 to pod …}), and both streams are closed. Everything runs on the event loop.
 */
final class ForwardSession extends StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(ForwardSession.class);
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String host;
    private final Map<String, Pair> pairs = new HashMap<>(); // by requestID
    private final Map<Integer, Pair> byData = new HashMap<>(); // by the data stream's id

    /** One forwarded connection: its two streams, the connection to the pod, what came before it was up. */
    private static final class Pair {
        Integer error;
        Integer data;
        int port;
        Channel target;
        final Queue<ByteBuf> early = new ArrayDeque<>();
        boolean clientDone;
    }

    ForwardSession(String host) {
        super("port-forward");
        this.host = host;
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
        if (p.error == null || p.data == null || p.target != null) {
            return;
        }
        try {
            p.port = Integer.parseInt(port == null ? "" : port.trim());
        } catch (NumberFormatException e) {
            p.port = -1;
        }
        if (p.port < 1 || p.port > 65535) {
            fail(ctx, p, "invalid port " + (port == null ? "(none)" : "\"" + port + "\""));
            return;
        }
        connect(ctx, p);
    }

    private void connect(ChannelHandlerContext ctx, Pair p) {
        Channel client = ctx.channel();
        Bootstrap b = new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext target, Object msg) {
                        // the pod's bytes to the client; the next read once the client's connection took them
                        client.writeAndFlush(new DefaultSpdyDataFrame(p.data, (ByteBuf) msg))
                                .addListener(f -> {
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
                });
        ChannelFuture connecting = b.connect(host, p.port);
        p.target = connecting.channel();
        connecting.addListener((ChannelFuture f) -> {
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
        });
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
        String message = "error forwarding port " + p.port + " to pod at " + host + ": " + why;
        log.debug("Port-forward failed: {}", message);
        ctx.channel().write(new DefaultSpdyDataFrame(p.error, Unpooled.copiedBuffer(message, StandardCharsets.UTF_8)));
        p.target = null;
        finish(ctx.channel(), p);
    }
}
