package io.staticpod.agent.nodeapi.exec;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.staticpod.agent.nodeapi.StreamSlots;
import io.staticpod.runtime.spi.ExecStreams;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A streaming server of the agent's own on {@code 127.0.0.1}, any free port, started at its first use: {@link #exec}
 * registers a command, {@link #attach} an attach and {@link #forward} a port-forward, and each returns a one-use URL for it (a random 128-bit
 * token, valid for a minute), which the node API's tunnel opens with the client's upgrade request. Behind it, {@link
 * ExecSession} speaks SPDY/3.1: {@code v4.channel.k8s.io} for an exec, run through the runtime's {@link ExecStreams}
 * (one thread per running command, at most {@value #MAX_SESSIONS} at once), {@code portforward.k8s.io} for a
 * port-forward ({@link ForwardSession}: connections from the agent to the pod's loopback, made in its network namespace,
 * on the server's event loop).
 * The URL is a credential: never logged.
 */
public final class StreamServer implements AutoCloseable {
    static final int MAX_SESSIONS = 16;
    static final Duration URL_LIFETIME = Duration.ofMinutes(1);
    private static final int MAX_REQUEST = 16 * 1024;

    /** What a URL serves. */
    sealed interface Target permits Exec, Forward {
        long expiresAtNanos();
    }

    /**
     * An exec: the command in the container, with these streams asked for (no stderr with a terminal); or an attach
     * (no command): the container's own output.
     */
    record Exec(String containerId, List<String> command, boolean stdin, boolean stdout, boolean stderr, boolean tty,
                boolean attach, long expiresAtNanos) implements Target {
        Exec {
            command = List.copyOf(command);
        }

        /** The URL's first path segment. */
        String kind() {
            return attach ? "attach" : "exec";
        }
    }

    /**
     * A port-forward of pod {@code pod} (its name and UID, for messages): connections to the ports the client names on
     * the loopback of the network namespace in file {@code netns}, as the kubelet's, or when that is null or cannot be
     * entered, on {@code address} (the pod's IP, the node's loopback for a pod on the node's network; null if none).
     */
    record Forward(String pod, String uid, String netns, String address, long expiresAtNanos) implements Target {
    }

    private final ExecStreams streams;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Target> pending = new ConcurrentHashMap<>();
    private EventLoopGroup loop; // guarded by this
    private StreamSlots sessions; // guarded by this
    private int port; // guarded by this
    private NetnsSockets netnsSockets; // guarded by this
    private boolean closed; // guarded by this

    public StreamServer(ExecStreams streams) {
        this.streams = streams;
    }

    /**
     * A one-use URL that runs {@code command} in the container with its streams as asked; with a terminal, stderr is
     * not asked for (the terminal has one output).
     *
     * @throws IllegalStateException when the server cannot listen or is closed
     */
    public URI exec(String containerId, List<String> command, boolean stdin, boolean stdout, boolean stderr,
                    boolean tty) {
        long now = System.nanoTime();
        return register("exec", new Exec(containerId, command, stdin, stdout, stderr && !tty, tty, false,
                now + URL_LIFETIME.toNanos()));
    }

    /**
     * A one-use URL that joins the container's own output (its stdin, if asked, is taken and dropped: no container
     * of the agent's has one open, nor a terminal, so none is given).
     *
     * @throws IllegalStateException when the server cannot listen or is closed
     */
    public URI attach(String containerId, boolean stdin, boolean stdout, boolean stderr) {
        return register("attach", new Exec(containerId, List.of(), stdin, stdout, stderr, false, true,
                System.nanoTime() + URL_LIFETIME.toNanos()));
    }

    /**
     * A one-use URL that forwards the client's connections to the ports it names on the loopback of the pod's network
     * namespace (in file {@code netns}), else on {@code address}; one of the two is not null.
     *
     * @throws IllegalStateException when the server cannot listen or is closed
     */
    public URI forward(String pod, String uid, String netns, String address) {
        if (netns == null && address == null) {
            throw new IllegalArgumentException("a port-forward needs the pod's network namespace or its address");
        }
        return register("portforward", new Forward(pod, uid, netns, address,
                System.nanoTime() + URL_LIFETIME.toNanos()));
    }

    private URI register(String kind, Target target) {
        int listening = listening();
        long now = System.nanoTime();
        pending.values().removeIf(e -> e.expiresAtNanos() - now < 0);
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String token = HexFormat.of().formatHex(bytes);
        pending.put(token, target);
        return URI.create("http://127.0.0.1:" + listening + "/" + kind + "/" + token);
    }

    /** The registered target of a token, once: null when unknown, used or expired. */
    Target take(String token) {
        Target e = pending.remove(token);
        return e == null || e.expiresAtNanos() - System.nanoTime() < 0 ? null : e;
    }

    /** Runs a session's command on a thread of its own; false when {@value #MAX_SESSIONS} already run. */
    boolean run(Runnable command) {
        StreamSlots slots;
        synchronized (this) {
            slots = sessions;
        }
        return slots != null && slots.start(command);
    }

    ExecStreams streams() {
        return streams;
    }

    /** Where port-forwards make their sockets in pods' network namespaces; made at the first use. */
    synchronized NetnsSockets netnsSockets() {
        if (netnsSockets == null) {
            netnsSockets = new NetnsSockets();
        }
        return netnsSockets;
    }

    private synchronized int listening() {
        if (closed) {
            throw new IllegalStateException("the agent's exec server is closed");
        }
        if (loop == null) {
            EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("node-api-exec-io", true));
            try {
                Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                        .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel c) {
                                c.pipeline().addLast(new IdleStateHandler(0, 0, 60, TimeUnit.SECONDS))
                                        .addLast(new HttpServerCodec(MAX_REQUEST, MAX_REQUEST, 8192))
                                        .addLast(new HttpObjectAggregator(MAX_REQUEST))
                                        .addLast(new ExecSession(StreamServer.this));
                            }
                        })
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                port = ((InetSocketAddress) ch.localAddress()).getPort();
            } catch (InterruptedException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the agent's exec server started", e);
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalStateException("the agent's exec server cannot listen on 127.0.0.1: " + e, e);
            }
            loop = group;
            sessions = new StreamSlots("node-api-exec", MAX_SESSIONS);
        }
        return port;
    }

    @Override
    public synchronized void close() {
        closed = true;
        pending.clear();
        if (loop != null) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            sessions.close();
        }
        if (netnsSockets != null) {
            netnsSockets.close();
        }
    }
}
