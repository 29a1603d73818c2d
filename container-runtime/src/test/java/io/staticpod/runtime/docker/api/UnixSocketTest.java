package io.staticpod.runtime.docker.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The socket adapter against a local UNIX server that sends only what the test says: what a blocking UNIX channel
 * cannot do (a read timeout, a read ended by a close from another thread) is what it is for.
 */
class UnixSocketTest {

    @TempDir
    Path dir;

    @Test
    void bytesGoBothWaysWhateverAddressHttpClientConnectsTo() throws Exception {
        Path path = dir.resolve("echo.sock");
        try (ServerSocketChannel server = listen(path); UnixSocket socket = new UnixSocket(path)) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", 80), 1000);
            try (SocketChannel peer = server.accept()) {
                socket.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                ByteBuffer got = ByteBuffer.allocate(4);
                while (got.hasRemaining()) {
                    peer.read(got);
                }
                peer.write(ByteBuffer.wrap("pong".getBytes(StandardCharsets.UTF_8)));

                assertThat(new String(got.array(), StandardCharsets.UTF_8)).isEqualTo("ping");
                assertThat(new String(socket.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
                        .isEqualTo("pong");
                peer.close();
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @Test
    void aReadFromAPeerThatSaysNothingEndsAtTheSocketTimeout() throws Exception {
        Path path = dir.resolve("silent.sock");
        try (ServerSocketChannel server = listen(path); UnixSocket socket = new UnixSocket(path)) {
            socket.connect(null);
            try (SocketChannel peer = server.accept()) {
                socket.setSoTimeout(50);

                assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThat(socket.isClosed()).isFalse();
                peer.write(ByteBuffer.wrap(new byte[]{42}));
                assertThat(socket.getInputStream().read()).as("still usable after a timeout").isEqualTo(42);
            }
        }
    }

    @Test
    void closingFromAnotherThreadEndsAReadThatWouldWaitForEver() throws Exception {
        Path path = dir.resolve("hung.sock");
        try (ServerSocketChannel server = listen(path); UnixSocket socket = new UnixSocket(path)) {
            socket.connect(null);
            try (SocketChannel peer = server.accept()) {
                socket.setSoTimeout(0);
                InputStream in = socket.getInputStream();
                CompletableFuture<Throwable> read = new CompletableFuture<>();
                Thread reader = new Thread(() -> {
                    try {
                        in.read();
                        read.complete(null);
                    } catch (Exception e) {
                        read.complete(e);
                    }
                });
                reader.setDaemon(true);
                reader.start();
                // the reader waits in the selector, with no timeout
                await().atMost(Duration.ofSeconds(30)).until(() -> Arrays.stream(reader.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals(UnixSocket.class.getName())
                                && f.getMethodName().equals("await")));

                socket.close();

                assertThat(read.get(30, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                        .hasMessageContaining("closed");
                assertThat(socket.isClosed()).isTrue();
            }
        }
    }

    private static ServerSocketChannel listen(Path path) throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }
}
