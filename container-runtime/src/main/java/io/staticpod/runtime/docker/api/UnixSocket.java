package io.staticpod.runtime.docker.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A {@link java.net.Socket} over a UNIX-domain {@link SocketChannel}, for HttpClient's classic (blocking) API, which
 * takes sockets only. Whatever address HttpClient connects to, it connects to {@code path}.
 *
 * <p>Why not a blocking channel: a blocking read on a UNIX channel ignores {@code SO_TIMEOUT}, so an engine that
 * accepts and never answers would hold the reading thread for good. Here the channel is non-blocking and every wait
 * is a {@link Selector#select(long)} bounded by {@code SO_TIMEOUT} ({@link SocketTimeoutException} when it passes,
 * as a TCP socket does), and {@link #close()} from another thread wakes a waiting read or write at once, which is how
 * a call's deadline and a log reader's close end a wait. (HttpClient 5.6's own UNIX socket support has neither: its
 * selects are not woken by a close, and its selectors are never closed.) The connect is the one blocking step; on a
 * UNIX socket it returns at once unless the engine's accept queue is full.
 *
 * <p>One thread reads and one writes at a time (HTTP/1.1 on one connection is sequential); {@link #close()} may be
 * called by any thread.
 */
final class UnixSocket extends java.net.Socket {
    private final Path path;
    private volatile SocketChannel channel;
    private volatile Selector readable;
    private volatile Selector writable;
    private volatile int timeoutMillis;
    private volatile boolean closed;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    UnixSocket(Path path) {
        this.path = path;
    }

    @Override
    public void connect(SocketAddress ignored) throws IOException {
        connect(ignored, 0);
    }

    @Override
    public synchronized void connect(SocketAddress ignored, int timeout) throws IOException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(path));
            ch.configureBlocking(false);
            readable = Selector.open();
            writable = Selector.open();
            ch.register(readable, SelectionKey.OP_READ);
            ch.register(writable, SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch, readable, writable);
            throw e;
        }
        channel = ch;
        if (closed) { // closed while connecting
            close();
            throw new SocketException("Socket is closed");
        }
    }

    @Override
    public boolean isConnected() {
        return channel != null;
    }

    @Override
    public boolean isBound() {
        return channel != null;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        requireOpen();
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        requireOpen();
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    /** Closes the channel and wakes any read or write waiting on it. Idempotent, from any thread. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(channel, readable, writable);
    }

    @Override
    public void shutdownInput() throws IOException {
        requireOpen();
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        requireOpen();
        channel.shutdownOutput();
    }

    // TCP options mean nothing here: HttpClient sets them on every socket, so they are accepted and ignored
    @Override
    public void setTcpNoDelay(boolean on) {
    }

    @Override
    public void setKeepAlive(boolean on) {
    }

    @Override
    public void setReuseAddress(boolean on) {
    }

    @Override
    public void setSoLinger(boolean on, int linger) {
    }

    @Override
    public void setReceiveBufferSize(int size) {
    }

    @Override
    public void setSendBufferSize(int size) {
    }

    @Override
    public String toString() {
        return "UnixSocket[" + path + (closed ? ", closed" : "") + "]";
    }

    private void requireOpen() throws SocketException {
        if (closed || channel == null) {
            throw new SocketException(closed ? "Socket is closed" : "Socket is not connected");
        }
    }

    /** Waits until the selector's one key is ready, for at most SO_TIMEOUT (0: without limit). */
    private void await(Selector selector, String what) throws IOException {
        int timeout = timeoutMillis;
        int ready;
        try {
            ready = timeout > 0 ? selector.select(timeout) : selector.select();
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new SocketException("Socket closed while waiting to " + what);
        }
        if (closed) {
            throw new SocketException("Socket closed while waiting to " + what);
        }
        if (ready == 0 && timeout > 0) {
            throw new SocketTimeoutException(what + " timed out after " + timeout + " ms");
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            for (;;) {
                requireOpen();
                int n = channel.read(buffer);
                if (n != 0) {
                    return n;
                }
                await(readable, "read");
            }
        }

        @Override
        public void close() {
            UnixSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                requireOpen();
                if (channel.write(buffer) == 0) {
                    await(writable, "write");
                }
            }
        }

        @Override
        public void close() {
            UnixSocket.this.close();
        }
    }

    private static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing is all we can do
                }
            }
        }
    }
}
