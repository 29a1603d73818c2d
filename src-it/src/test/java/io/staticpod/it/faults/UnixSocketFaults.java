package io.staticpod.it.faults;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Fake engines on a UNIX socket, for the Docker adapter's fault tests: {@link #silent} accepts every connection and
 * never answers; {@link #answering} answers each request head with what a function says (enough HTTP/1.1 for
 * requests without a body). {@link #proxy} passes every byte between the adapter and a real engine, and can cut the
 * next answer on a marked connection in the middle. Each runs on daemon threads until closed.
 */
public final class UnixSocketFaults implements AutoCloseable {

    private final Path socket;
    private final ServerSocketChannel server;
    private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Connections accepted so far. */
    public final AtomicInteger accepted = new AtomicInteger();

    private UnixSocketFaults(Path socket) throws IOException {
        this.socket = socket;
        Files.deleteIfExists(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
    }

    public Path socket() {
        return socket;
    }

    public String endpoint() {
        return "unix://" + socket;
    }

    /** Accepts and never answers; connections stay open until closed. */
    public static UnixSocketFaults silent(Path socket) throws IOException {
        UnixSocketFaults f = new UnixSocketFaults(socket);
        f.acceptLoop(client -> {
        });
        return f;
    }

    /** Answers every request head (request line and headers) with the bytes {@code answer} gives for its line. */
    public static UnixSocketFaults answering(Path socket, Function<String, String> answer) throws IOException {
        UnixSocketFaults f = new UnixSocketFaults(socket);
        f.acceptLoop(client -> daemon("fake-engine", () -> {
            StringBuilder head = new StringBuilder();
            ByteBuffer one = ByteBuffer.allocate(1);
            while (client.read(one.clear()) > 0) {
                head.append((char) one.get(0));
                if (head.toString().endsWith("\r\n\r\n")) {
                    String line = head.substring(0, head.indexOf("\r\n"));
                    client.write(ByteBuffer.wrap(answer.apply(line).getBytes(StandardCharsets.UTF_8)));
                    head.setLength(0);
                }
            }
        }));
        return f;
    }

    /** A whole HTTP/1.1 answer with a JSON or text body. */
    public static String answer(int status, String headers, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "HTTP/1.1 " + status + " X\r\n" + headers + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    private void acceptLoop(IoConsumer<SocketChannel> handler) {
        daemon("fake-engine-accept", () -> {
            while (!closed.get()) {
                SocketChannel client = server.accept();
                accepted.incrementAndGet();
                open.add(client);
                handler.accept(client);
            }
        });
    }

    /** A proxy to {@code upstream} (a real engine's socket) with a knife for one kind of connection. */
    public static Proxy proxy(Path socket, Path upstream, String cutConnectionsWhoseFirstLineContains)
            throws IOException {
        Proxy p = new Proxy(socket, upstream, cutConnectionsWhoseFirstLineContains);
        p.faults.acceptLoop(p::pipe);
        return p;
    }

    /** See {@link #proxy}. */
    public static final class Proxy implements AutoCloseable {
        final UnixSocketFaults faults;
        private final Path upstream;
        private final String marker;
        private final AtomicBoolean cutArmed = new AtomicBoolean();
        /** How many answers were cut. */
        public final AtomicInteger cuts = new AtomicInteger();

        private Proxy(Path socket, Path upstream, String marker) throws IOException {
            this.faults = new UnixSocketFaults(socket);
            this.upstream = upstream;
            this.marker = marker;
        }

        public String endpoint() {
            return faults.endpoint();
        }

        /**
         * The next bytes the engine sends on a marked connection are passed on only in part (half, at least one
         * byte), then both sides of that connection are closed: a stream cut in the middle of a line.
         */
        public void cutNext() {
            cutArmed.set(true);
        }

        private void pipe(SocketChannel client) throws IOException {
            SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(upstream));
            faults.open.add(engine);
            AtomicBoolean marked = new AtomicBoolean();
            daemon("proxy-up", () -> {
                ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
                boolean first = true;
                while (client.read(buffer.clear()) > 0) {
                    if (first) {
                        String line = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
                        marked.set(line.lines().findFirst().orElse("").contains(marker));
                        first = false;
                    }
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        engine.write(buffer);
                    }
                }
                engine.shutdownOutput();
            });
            daemon("proxy-down", () -> {
                ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
                while (engine.read(buffer.clear()) > 0) {
                    buffer.flip();
                    if (marked.get() && cutArmed.compareAndSet(true, false)) {
                        buffer.limit(Math.max(1, buffer.limit() / 2));
                        client.write(buffer);
                        cuts.incrementAndGet();
                        client.close();
                        engine.close();
                        return;
                    }
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                }
                client.close();
            });
        }

        @Override
        public void close() throws IOException {
            faults.close();
        }
    }

    private interface IoConsumer<T> {
        void accept(T t) throws IOException;
    }

    private interface IoRunnable {
        void run() throws IOException;
    }

    private static void daemon(String name, IoRunnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException ended) {
                // the other side went away, or this fake was closed
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed.set(true);
        server.close();
        for (SocketChannel c : open) {
            c.close();
        }
        Files.deleteIfExists(socket);
    }
}
