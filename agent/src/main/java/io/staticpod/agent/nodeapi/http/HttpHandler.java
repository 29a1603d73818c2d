package io.staticpod.agent.nodeapi.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.staticpod.agent.nodeapi.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * One connection's requests: each is copied out of Netty, reading stops, and the request goes to a worker; when its
 * answer is written, reading resumes (keep-alive) or the connection closes. A connection idle between requests for
 * the idle timeout is closed; one busy with a request (a followed log) is not. Malformed requests are answered here
 * (400, 414 for a request line over the limit, 431 for headers) and the connection closed.
 */
public final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpHandler.class);

    private final BiConsumer<Request, NettyExchange> dispatcher;
    private final Executor workers;
    private final AtomicInteger stalled;
    private volatile NettyExchange current;
    private volatile boolean busy;

    HttpHandler(BiConsumer<Request, NettyExchange> dispatcher, Executor workers, AtomicInteger stalled) {
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.stalled = stalled;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        if (busy) {
            // sent while a streamed answer is still going: requests are not pipelined behind a stream
            ctx.close();
            return;
        }
        if (msg.decoderResult().isFailure()) {
            Throwable cause = msg.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                    ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(HttpHeaderNames.CONNECTION, "close").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        busy = true;
        Request request = request(ctx, msg);
        NettyExchange exchange = new NettyExchange(ctx, request, HttpUtil.isKeepAlive(msg),
                keepAlive -> ctx.executor().execute(() -> next(ctx, keepAlive)), stalled);
        current = exchange;
        try {
            workers.execute(() -> dispatcher.accept(request, exchange));
        } catch (RejectedExecutionException e) {
            exchange.respond(429, NettyExchange.TEXT, "the node API is busy; try again later\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void next(ChannelHandlerContext ctx, boolean keepAlive) {
        busy = false;
        current = null;
        if (keepAlive && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        } else {
            ctx.close();
        }
    }

    static Request request(ChannelHandlerContext ctx, FullHttpRequest msg) {
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        List<Map.Entry<String, String>> headers = new ArrayList<>(msg.headers().entries());
        return new Request(msg.method().name(), msg.uri(), uri.rawPath(), uri.parameters(), headers, peers(ctx));
    }

    private static List<X509Certificate> peers(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return List.of();
        }
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : ssl.engine().getSession().getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    out.add(x);
                }
            }
            return out;
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        NettyExchange e = current;
        if (e != null) {
            e.wake();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        NettyExchange e = current;
        if (e != null) {
            e.wake();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !busy) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS refusals (a certificate of another CA, plain HTTP) land here: the client's problem, not the agent's
        log.debug("Node API connection closed remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
