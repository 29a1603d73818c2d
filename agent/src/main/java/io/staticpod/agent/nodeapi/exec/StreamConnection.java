package io.staticpod.agent.nodeapi.exec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of the {@link StreamServer} does alike, whatever it streams: closed when idle for the idle
 * handler's time, and closed on a failure, which is logged at DEBUG (a client that went away is no news).
 */
abstract class StreamConnection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(StreamConnection.class);
    private final String what;

    /** @param what the connection's kind, for the log: {@code exec}, {@code port-forward} */
    StreamConnection(String what) {
        this.what = what;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Stream connection failed kind={} error={}", what, cause.toString());
        ctx.close();
    }
}
