package io.staticpod.agent.nodeapi.exec;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A command's output written as SPDY data frames of one stream, each write waited for until the connection has
 * written it to the socket, so that a slow client (TCP's flow control) slows the copy instead of filling the agent's
 * memory. A closed connection fails the write: the client has gone.
 */
final class DataFrames extends OutputStream {
    private final Channel channel;
    private final int stream;

    DataFrames(Channel channel, int stream) {
        this.channel = channel;
        this.stream = stream;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        ChannelFuture sent = channel.writeAndFlush(new DefaultSpdyDataFrame(stream, Unpooled.copiedBuffer(b, off, len)));
        try {
            sent.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("the agent stops");
        }
        if (!sent.isSuccess()) {
            throw new IOException("the exec stream's client has gone", sent.cause());
        }
    }
}
