package io.staticpod.agent.nodeapi.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Stops HTTP parsing at the end of an upgrade request ({@code Connection: Upgrade}): whatever the client sent after it
 * is the upgraded protocol's, not another request. The request decoder is removed (it hands over the bytes it still
 * holds) and those bytes are held here, at most {@value #MAX_HELD} bytes, until the connection is handed over or
 * closed. On the event loop only.
 */
final class UpgradeGate extends ChannelInboundHandlerAdapter {
    static final int MAX_HELD = 64 * 1024;

    private boolean upgrading;
    private boolean decoderRemoved;
    private CompositeByteBuf held;

    static boolean isUpgrade(HttpRequest request) {
        return request.headers().contains(HttpHeaderNames.UPGRADE)
                && request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (decoderRemoved && msg instanceof ByteBuf bytes) {
            hold(ctx, bytes);
            return;
        }
        if (msg instanceof HttpRequest request && !(msg instanceof LastHttpContent) && isUpgrade(request)) {
            upgrading = true;
        }
        boolean end = upgrading && msg instanceof LastHttpContent;
        ctx.fireChannelRead(msg);
        if (end && !decoderRemoved) {
            decoderRemoved = true;
            HttpRequestDecoder decoder = ctx.pipeline().get(HttpRequestDecoder.class);
            if (decoder != null) {
                ctx.pipeline().remove(decoder); // its leftover bytes arrive here as ByteBufs
            }
        }
    }

    private void hold(ChannelHandlerContext ctx, ByteBuf bytes) {
        if (held == null) {
            held = ctx.alloc().compositeBuffer();
        }
        if (held.readableBytes() + bytes.readableBytes() > MAX_HELD) {
            bytes.release();
            ctx.close();
            return;
        }
        held.addComponent(true, bytes);
    }

    /** The bytes held so far (the caller owns them), or an empty buffer. */
    ByteBuf drain(ChannelHandlerContext ctx) {
        ByteBuf out = held == null ? ctx.alloc().buffer(0) : held;
        held = null;
        return out;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
