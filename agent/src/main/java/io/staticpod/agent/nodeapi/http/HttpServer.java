package io.staticpod.agent.nodeapi.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.staticpod.agent.nodeapi.Exchange;
import io.staticpod.agent.nodeapi.Request;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The node API's listening socket and connections: one Netty event loop thread for all I/O, TLS on every
 * connection, bounded everywhere: connections ({@link Limits#maxConnections}), request line and headers, request
 * bodies, queued requests (a full queue answers 429), each connection's unsent bytes (the write-buffer high-water
 * mark; a writer waits above it). Heap buffers, unpooled: the node API moves little data, and pooled arenas would
 * cost megabytes of resident memory.
 */
public final class HttpServer implements AutoCloseable {
    /** Limits of the server. */
    public record Limits(int maxConnections, int workers, int queuedRequests, Duration idleTimeout,
                         int writeHighWaterMark) {
        public static final Limits DEFAULT = new Limits(512, 4, 64, Duration.ofSeconds(90), 64 * 1024);
    }

    static final int MAX_INITIAL_LINE = 16 * 1024;
    static final int MAX_HEADERS = 64 * 1024;
    static final int MAX_BODY = 64 * 1024;

    private final SslContext ssl;
    private final BiConsumer<Request, Exchange> dispatcher;
    private final Limits limits;
    private final EventLoopGroup loop;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger stalled = new AtomicInteger();

    public HttpServer(SslContext ssl, BiConsumer<Request, Exchange> dispatcher, Limits limits) {
        this.ssl = ssl;
        this.dispatcher = dispatcher;
        this.limits = limits;
        AtomicInteger n = new AtomicInteger();
        this.loop = new NioEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> daemon(r, "node-api-io"));
        this.workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.queuedRequests()), r -> daemon(r, "node-api-" + n.incrementAndGet()));
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Binds {@code address:port} (port 0: any free port) and returns the listening channel. */
    public Channel bind(String address, int port) throws InterruptedException {
        return new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(limits.writeHighWaterMark() / 2, limits.writeHighWaterMark()))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > limits.maxConnections()) {
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()))
                                .addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toSeconds(), TimeUnit.SECONDS))
                                .addLast(new HttpRequestDecoder(MAX_INITIAL_LINE, MAX_HEADERS, 8192))
                                .addLast(new HttpResponseEncoder())
                                .addLast(new UpgradeGate())
                                .addLast(new HttpObjectAggregator(MAX_BODY))
                                .addLast(new HttpHandler(dispatcher::accept, workers, stalled));
                    }
                })
                .bind(address, port).sync().channel();
    }

    /** Open connections. */
    public int connections() {
        return connections.get();
    }

    /** Streamed responses now waiting for a slow client. */
    public int stalled() {
        return stalled.get();
    }

    @Override
    public void close() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
