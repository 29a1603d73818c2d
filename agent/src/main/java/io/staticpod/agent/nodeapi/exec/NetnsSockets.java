package io.staticpod.agent.nodeapi.exec;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Sockets made inside a pod's network namespace, so that port-forward reaches what the pod serves on its own loopback,
 * as the kubelet's does: a thread of the agent's own enters the namespace ({@code setns(2)} through JNA), makes the
 * socket there (a socket stays in the namespace it was made in) and goes back to the node's namespace at once; the
 * caller connects it wherever it likes. Only that thread ever leaves the node's namespace, one socket at a time.
 *
 * <p>It needs {@code CAP_SYS_ADMIN} (the agent runs as root) and C's {@code setns} through JNA. When the first use
 * finds either missing, {@link #unavailable()} says why, and stays so: port-forward then connects from the node to
 * the pod's address. Should the thread ever fail to go back to the node's namespace, it is retired and the sockets
 * unavailable from then on: nothing else would ever be made in a pod's namespace by mistake.
 */
final class NetnsSockets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NetnsSockets.class);
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The three calls of C's library used here. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int setns(int fd, int nstype) throws LastErrorException;
    }

    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("node-api-netns", true));
    private LibC libc; // the thread's only
    private int node = -1; // the node's network namespace, open; the thread's only
    private volatile String unavailable;

    /**
     * An unconnected TCP socket (IPv4) of the network namespace in file {@code netns}, made on the thread of this
     * class; fails with an {@link IOException} naming the namespace when it cannot be entered.
     */
    CompletableFuture<SocketChannel> open(String netns) {
        CompletableFuture<SocketChannel> made = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                try {
                    made.complete(make(netns));
                } catch (IOException | RuntimeException | Error e) {
                    made.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            made.completeExceptionally(new IOException("the agent's network namespace thread has ended", e));
        }
        return made;
    }

    /** Why sockets cannot be made in pods' namespaces, or null (before the first use too). */
    String unavailable() {
        return unavailable;
    }

    private SocketChannel make(String netns) throws IOException {
        String why = unavailable;
        if (why != null) {
            throw new Unavailable(why);
        }
        if (libc == null) {
            try {
                libc = Native.load("c", LibC.class);
                node = libc.open("/proc/thread-self/ns/net", O_RDONLY_CLOEXEC);
            } catch (LastErrorException | UnsatisfiedLinkError | NoClassDefFoundError e) {
                libc = null;
                throw retire("C's setns cannot be called (" + e.getMessage() + ")");
            }
        }
        int fd;
        try {
            fd = libc.open(netns, O_RDONLY_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("cannot open the pod's network namespace " + netns + ": " + strerror(e));
        }
        try {
            try {
                libc.setns(fd, CLONE_NEWNET);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == 1) { // EPERM: so it is for every pod
                    throw retire("the agent may not enter network namespaces (" + strerror(e) + ")");
                }
                throw new IOException("cannot enter the pod's network namespace " + netns + ": " + strerror(e));
            }
            try {
                return SocketChannel.open(StandardProtocolFamily.INET);
            } finally {
                try {
                    libc.setns(node, CLONE_NEWNET);
                } catch (LastErrorException e) {
                    log.error("The port-forward thread cannot go back to the node's network namespace ({}); it is"
                            + " retired and ports are forwarded from the node from now on", strerror(e));
                    retire("the thread that entered pods' network namespaces could not go back: " + strerror(e));
                    thread.shutdownNow();
                }
            }
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // closed either way
            }
        }
    }

    private Unavailable retire(String why) {
        if (unavailable == null) {
            unavailable = why;
            log.warn("Port-forward connects from the node to the pod's address, not from inside the pod: {}", why);
        }
        return new Unavailable(unavailable);
    }

    private static String strerror(LastErrorException e) {
        return e.getMessage() == null ? "errno " + e.getErrorCode() : e.getMessage();
    }

    /** Sockets cannot be made in pods' namespaces at all (not only in this one). */
    static final class Unavailable extends IOException {
        Unavailable(String why) {
            super(why);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
