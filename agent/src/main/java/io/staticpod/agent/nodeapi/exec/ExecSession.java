package io.staticpod.agent.nodeapi.exec;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySettingsFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdySettingsFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.staticpod.runtime.spi.ExecStreams;
import io.staticpod.runtime.spi.RuntimeError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the {@link StreamServer}: the upgrade request of a registered URL answered {@code 101} with SPDY/3.1
 * and {@code v4.channel.k8s.io} (403 when the client offers no such protocol, 404 for an unknown, used or expired URL),
 * then the client's streams ({@code error}, and {@code stdin}, {@code stdout}, {@code stderr} and {@code resize} as
 * asked) each answered, the command started once all are there (within {@value #STREAMS_SECONDS} s): its output sent
 * on them as it comes; what arrives on stdin and the terminal sizes on resize handed, in order, to an input thread of
 * the session that gives them to the command (the connection is not read while more than 1 MiB of stdin waits, so
 * that TCP holds a fast client back); the end of the client's stdin is the command's. At the command's end a
 * {@code Status} on the error stream, as the kubelet writes it: {@code Success}, {@code NonZeroExitCode} with the exit
 * code as the cause kubectl exits with, or {@code InternalError} with the runtime's message; then every stream is
 * half-closed and the client closes the connection (else it is closed {@value #LINGER_SECONDS} s later). A quiet
 * session lasts up to the kubelet's default streaming idle timeout, 4 hours.
 */
final class ExecSession extends StreamConnection {
    private static final Logger log = LoggerFactory.getLogger(ExecSession.class);
    static final String PROTOCOL = "v4.channel.k8s.io";
    static final String FORWARD_PROTOCOL = "portforward.k8s.io";
    static final int STREAMS_SECONDS = 30;
    static final int LINGER_SECONDS = 10;
    static final long IDLE_HOURS = 4;
    /** SPDY/3.1's first window of a session and of each stream. */
    private static final int INITIAL_WINDOW = 64 * 1024;
    private static final int OPEN_WINDOW = 1 << 30;

    private final StreamServer server;
    private StreamServer.Exec exec; // event loop only
    private final Map<String, Integer> streams = new ConcurrentHashMap<>(); // stream type -> id
    private boolean started; // event loop only
    private ScheduledFuture<?> streamsTimeout; // event loop only
    private SessionInput input; // event loop only, once upgraded

    ExecSession(StreamServer server) {
        super("exec");
        this.server = server;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpRequest request) {
                upgrade(ctx, request);
            } else if (msg instanceof SpdySynStreamFrame syn) {
                stream(ctx, syn);
            } else if (msg instanceof SpdyDataFrame data) {
                if (input != null) {
                    data(data);
                }
            } else if (msg instanceof SpdyGoAwayFrame) {
                ctx.close();
            }
            // the rest is the session handler's business
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (exec != null) {
            ctx.close();
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        String token = path.substring(path.lastIndexOf('/') + 1);
        StreamServer.Target found = path.equals("/exec/" + token) || path.equals("/attach/" + token)
                || path.equals("/portforward/" + token) ? server.take(token) : null;
        String kind = found instanceof StreamServer.Exec e ? e.kind() : "portforward";
        if (found == null || !path.startsWith("/" + kind + "/")) {
            refuse(ctx, HttpResponseStatus.NOT_FOUND, "unknown, used or expired stream URL");
            return;
        }
        String protocol = found instanceof StreamServer.Exec ? PROTOCOL : FORWARD_PROTOCOL;
        String upgrade = request.headers().get(HttpHeaderNames.UPGRADE, "");
        if (!upgrade.equalsIgnoreCase("SPDY/3.1")) {
            refuse(ctx, HttpResponseStatus.BAD_REQUEST, "this stream is served over SPDY/3.1 only; the request"
                    + " asked for " + (upgrade.isEmpty() ? "no upgrade" : "\"" + upgrade + "\""));
            return;
        }
        List<String> offered = new ArrayList<>();
        for (String value : request.headers().getAll("X-Stream-Protocol-Version")) {
            for (String p : value.split(",")) {
                if (!p.isBlank()) {
                    offered.add(p.trim());
                }
            }
        }
        if (!offered.contains(protocol)) {
            refuse(ctx, HttpResponseStatus.FORBIDDEN, "unable to upgrade: unable to negotiate protocol: client"
                    + " supports " + offered + ", server supports [" + protocol + "]");
            return;
        }
        FullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER, false);
        switching.headers().set(HttpHeaderNames.CONNECTION, "Upgrade").set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
                .set("X-Stream-Protocol-Version", protocol);
        ctx.writeAndFlush(switching); // encoded now, by the HTTP codec still in place
        ctx.pipeline().remove(HttpObjectAggregator.class);
        ctx.pipeline().remove(HttpServerCodec.class);
        ctx.pipeline().replace(IdleStateHandler.class, "idle", new IdleStateHandler(0, 0, IDLE_HOURS, TimeUnit.HOURS));
        ctx.pipeline().addBefore(ctx.name(), "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
        ctx.pipeline().addBefore(ctx.name(), "spdy-session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, true));
        if (found instanceof StreamServer.Forward forward) {
            ctx.pipeline().replace(this, "forward", new ForwardSession(forward, server.netnsSockets()));
        } else {
            exec = (StreamServer.Exec) found;
            input = new SessionInput(ctx.channel());
            streamsTimeout = ctx.executor().schedule(() -> {
                if (!started) {
                    log.debug("Exec stream closed: the client opened streams {} of those asked", streams.keySet());
                    ctx.close();
                }
            }, STREAMS_SECONDS, TimeUnit.SECONDS);
        }
        // Kubernetes' SPDY client sends no window updates (nor does its server wait for any): as if the client had
        // opened the session's and every stream's window to 1 GiB (room left for a client that does send updates);
        // TCP's own flow control remains.
        DefaultSpdySettingsFrame windows = new DefaultSpdySettingsFrame();
        windows.setValue(SpdySettingsFrame.SETTINGS_INITIAL_WINDOW_SIZE, OPEN_WINDOW);
        ChannelHandlerContext codec = ctx.pipeline().context("spdy-codec");
        codec.fireChannelRead(windows);
        codec.fireChannelRead(new DefaultSpdyWindowUpdateFrame(0, OPEN_WINDOW - INITIAL_WINDOW));
    }

    private void stream(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        String type = reply(ctx, syn);
        if (exec == null || type == null) {
            return;
        }
        streams.put(type.toLowerCase(Locale.ROOT), syn.streamId());
        if (started || !streams.containsKey("error") || (exec.stdout() && !streams.containsKey("stdout"))
                || (exec.stderr() && !streams.containsKey("stderr")) || (exec.stdin() && !streams.containsKey("stdin"))
                || (exec.tty() && !streams.containsKey("resize"))) {
            return;
        }
        started = true;
        streamsTimeout.cancel(false);
        Channel channel = ctx.channel();
        StreamServer.Exec command = exec;
        SessionInput in = input;
        if (!server.run(() -> run(channel, command, in))) {
            finish(channel, ExecStatus.tooManySessions(StreamServer.MAX_SESSIONS));
        }
    }

    /**
     * Answers a stream the client opened; returns its {@code streamType}, or null. The answer carries a header of its
     * own: Netty writes no header block at all for none, which a SPDY client cannot read.
     */
    static String reply(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        String type = syn.headers().getAsString("streamtype");
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
        reply.headers().set("streamtype", type == null ? "" : type);
        ctx.writeAndFlush(reply);
        return type;
    }

    /** Stdin and resize data, for the session's input. */
    private void data(SpdyDataFrame frame) {
        Integer stdin = streams.get("stdin");
        Integer resize = streams.get("resize");
        if (stdin != null && frame.streamId() == stdin) {
            input.stdin(frame.content(), frame.isLast());
        } else if (resize != null && frame.streamId() == resize) {
            input.resize(frame.content());
        }
    }

    /** On a session thread: the command, its input on a thread of its own, then its status. */
    private void run(Channel channel, StreamServer.Exec command, SessionInput in) {
        ExecStreams.Process process;
        try {
            process = command.attach() ? server.streams().attach(command.containerId())
                    : server.streams().start(command.containerId(), command.command(), command.stdin(), command.tty());
        } catch (RuntimeException e) {
            finish(channel, ExecStatus.internalError(e));
            return;
        }
        // a client gone ends the streams at once, also while the command is quiet (it goes on in the container)
        channel.closeFuture().addListener(f -> process.close());
        boolean input = command.stdin() || command.tty();
        if (input) {
            Thread pump = new Thread(() -> in.pump(process), Thread.currentThread().getName() + "-input");
            pump.setDaemon(true);
            pump.start();
        }
        OutputStream out = command.stdout() ? new DataFrames(channel, streams.get("stdout"))
                : OutputStream.nullOutputStream();
        OutputStream err = command.stderr() ? new DataFrames(channel, streams.get("stderr"))
                : OutputStream.nullOutputStream();
        byte[] status;
        try {
            status = ExecStatus.of(process.copyOutput(out, err), command.command());
        } catch (IOException e) {
            log.debug("Exec stream ended by its client error={}", e.toString());
            channel.close();
            return;
        } catch (RuntimeException e) { // the runtime's RuntimeError, or a bug: the client is told either way
            status = ExecStatus.internalError(e);
        } finally {
            process.close();
            if (input) {
                in.stop();
            }
            if (!channel.isActive()) {
                kill(process);
            }
        }
        finish(channel, status);
    }

    /** The client has gone: its command, if it still runs, goes too (it would hold on in the container for good). */
    private static void kill(ExecStreams.Process process) {
        try {
            process.kill();
        } catch (RuntimeException e) {
            log.warn("Cannot end a command whose client has gone; it goes on in the container error={}", e.toString());
        }
    }

    /** The status on the error stream, then every stream half-closed. Any thread. */
    private void finish(Channel channel, byte[] status) {
        Integer error = streams.get("error");
        if (error != null) {
            channel.write(new DefaultSpdyDataFrame(error, Unpooled.wrappedBuffer(status)));
        }
        for (Integer id : streams.values()) {
            DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
            fin.setLast(true);
            channel.write(fin);
        }
        channel.flush();
        channel.eventLoop().schedule((Runnable) channel::close, LINGER_SECONDS, TimeUnit.SECONDS);
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
