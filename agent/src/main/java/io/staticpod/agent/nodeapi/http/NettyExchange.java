package io.staticpod.agent.nodeapi.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.staticpod.agent.nodeapi.Exchange;
import io.staticpod.agent.nodeapi.Request;
import io.staticpod.agent.nodeapi.logs.LogCopier;
import io.staticpod.agent.nodeapi.logs.LogSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The answer to one request on a Netty connection. Any thread may call it; Netty runs the writes on the connection's
 * event loop. When the answer is complete, {@code done} is told whether the connection can take another request.
 */
final class NettyExchange implements Exchange, LogSink {
    private static final Logger log = LoggerFactory.getLogger(NettyExchange.class);
    static final String TEXT = "text/plain; charset=utf-8";

    private final ChannelHandlerContext ctx;
    private final Channel channel;
    private final Request request;
    private final boolean keepAlive;
    private final Consumer<Boolean> done;
    private final AtomicInteger stalled;
    private final long startNanos = System.nanoTime();
    private volatile String who = "-";
    private volatile int status;

    NettyExchange(ChannelHandlerContext ctx, Request request, boolean keepAlive, Consumer<Boolean> done,
                  AtomicInteger stalled) {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.request = request;
        this.keepAlive = keepAlive && !request.upgrade();
        this.done = done;
        this.stalled = stalled;
    }

    @Override
    public void identify(String who) {
        this.who = who;
    }

    @Override
    public void respond(int status, String contentType, byte[] body) {
        this.status = status;
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), request.head() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        headers(response, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (status == 429) {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> finish(f.isSuccess()));
    }

    @Override
    public LogSink stream(String contentType) {
        this.status = 200;
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        headers(response, contentType);
        response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        ctx.writeAndFlush(response);
        // read on while the body streams, only to see the client go (a quiet followed log writes nothing that
        // could fail); a request sent meanwhile closes the connection (see HttpHandler)
        channel.config().setAutoRead(true);
        return this;
    }

    @Override
    public void tunnel(URI target) {
        Tunnel.open(ctx, request, target, this);
    }

    /** The connection now belongs to a tunnel. */
    void handedOver() {
        status = 101;
        logRequest();
    }

    private void headers(HttpResponse response, String contentType) {
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().set("X-Content-Type-Options", "nosniff");
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    // --- the body of a streamed response

    @Override
    public void write(byte[] bytes, boolean flush) throws LogCopier.ClientGone {
        awaitWritable();
        DefaultHttpContent chunk = new DefaultHttpContent(Unpooled.wrappedBuffer(bytes));
        if (flush) {
            ctx.writeAndFlush(chunk);
        } else {
            ctx.write(chunk);
        }
    }

    @Override
    public void end() {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener((ChannelFutureListener) f ->
                finish(f.isSuccess()));
    }

    @Override
    public void abort() {
        channel.close();
        logRequest();
    }

    @Override
    public void onClose(Runnable action) {
        channel.closeFuture().addListener(f -> action.run());
    }

    /** Blocks while the connection's outbound buffer is over its high-water mark. */
    private synchronized void awaitWritable() throws LogCopier.ClientGone {
        boolean counted = false;
        try {
            while (channel.isActive() && !channel.isWritable()) {
                if (!counted) {
                    stalled.incrementAndGet();
                    counted = true;
                }
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LogCopier.ClientGone();
        } finally {
            if (counted) {
                stalled.decrementAndGet();
            }
        }
        if (!channel.isActive()) {
            throw new LogCopier.ClientGone();
        }
    }

    /** From the event loop: writability changed or the connection closed. */
    synchronized void wake() {
        notifyAll();
    }

    private void finish(boolean written) {
        logRequest();
        done.accept(written && keepAlive);
    }

    private void logRequest() {
        if (log.isDebugEnabled()) {
            log.debug("Node API request request={} user={} status={} tookMs={}", request, who, status,
                    (System.nanoTime() - startNanos) / 1_000_000);
        }
    }
}
