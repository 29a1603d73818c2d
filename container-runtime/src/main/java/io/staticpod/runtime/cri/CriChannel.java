package io.staticpod.runtime.cri;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The one gRPC connection to a CRI runtime, kept small: plaintext HTTP/2 on the UNIX socket through Netty's epoll
 * transport, on <b>one event-loop thread</b> of its own ({@code cri-grpc-…}, a daemon), with unpooled buffers (a
 * pooled allocator's arenas cost several MiB of RSS for a few KiB of traffic) and the direct executor (every call is
 * blocking, so no callback needs a pool). The {@code :authority} is {@code localhost}: without it grpc-java sends the
 * socket path, which some servers refuse (grpc-java issue 12664).
 */
final class CriChannel implements AutoCloseable {
    /** ExecSync output may be 16 MiB per stream (the CRI's cap); lists of many containers are large too. */
    private static final int MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

    private final ManagedChannel channel;
    private final EventLoopGroup group;

    /** A channel made elsewhere (tests: an in-process server); closed with this. */
    CriChannel(ManagedChannel channel) {
        this.channel = channel;
        this.group = null;
    }

    CriChannel(String endpoint) {
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                .overrideAuthority("localhost")
                .directExecutor()
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (builder instanceof NettyChannelBuilder netty) {
            group = new EpollEventLoopGroup(1, new DefaultThreadFactory("cri-grpc", true));
            netty.eventLoopGroup(group)
                    .channelType(EpollDomainSocketChannel.class)
                    .withOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
                    // gRPC asks every connection for TCP keep-alive; a UNIX socket has none, and Netty would warn on
                    // each connect: a null value takes the option off again
                    .withOption(ChannelOption.SO_KEEPALIVE, null);
        } else {
            group = null;
        }
        channel = builder.build();
    }

    ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
