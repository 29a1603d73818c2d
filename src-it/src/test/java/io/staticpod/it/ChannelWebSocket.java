package io.staticpod.it;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A client of the Kubernetes WebSocket channel protocols ({@code v4.channel.k8s.io} for exec, attach and
 * port-forward), on the JDK's WebSocket: every binary message starts with its channel number, the rest is that
 * channel's bytes. Keeps every message as it came (channel and payload, empty ones too) and each channel's bytes
 * joined, for a test to look at. Thread-safe: the JDK calls the listener on its own threads.
 */
final class ChannelWebSocket implements AutoCloseable {
    /** One whole binary message: its channel and what followed the channel byte. */
    record Message(int channel, byte[] payload) {
    }

    private final WebSocket socket;
    private final List<Message> messages = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();

    private ChannelWebSocket(URI url, String subprotocol) throws Exception {
        URI ws = URI.create(url.toString().replaceFirst("^http", "ws"));
        this.socket = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build().newWebSocketBuilder()
                .subprotocols(subprotocol).buildAsync(ws, new Listener()).get(30, TimeUnit.SECONDS);
    }

    /** Opens {@code url} (an http URL of a runtime's streaming server) as a WebSocket with {@code subprotocol}. */
    static ChannelWebSocket open(URI url, String subprotocol) throws Exception {
        return new ChannelWebSocket(url, subprotocol);
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    /** Sends {@code bytes} on {@code channel}, as one binary message. */
    void send(int channel, byte[] bytes) throws Exception {
        ByteBuffer message = ByteBuffer.allocate(bytes.length + 1).put((byte) channel).put(bytes).flip();
        socket.sendBinary(message, true).get(30, TimeUnit.SECONDS);
    }

    void send(int channel, String text) throws Exception {
        send(channel, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Everything received on {@code channel} so far, joined. */
    synchronized byte[] bytes(int channel) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        messages.stream().filter(m -> m.channel() == channel).forEach(m -> all.writeBytes(m.payload()));
        return all.toByteArray();
    }

    String text(int channel) {
        return new String(bytes(channel), StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection (or it broke). */
    boolean closedByServer() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null);
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] whole = partial.toByteArray();
                partial.reset();
                synchronized (ChannelWebSocket.this) {
                    messages.add(new Message(whole[0] & 0xff, java.util.Arrays.copyOfRange(whole, 1, whole.length)));
                }
            }
            webSocket.request(1);
            return null;
        }

        /** Kept as channel -1: a binary channel protocol sends none, and a test sees it among the messages. */
        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            synchronized (ChannelWebSocket.this) {
                messages.add(new Message(-1, data.toString().getBytes(StandardCharsets.UTF_8)));
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }
}
