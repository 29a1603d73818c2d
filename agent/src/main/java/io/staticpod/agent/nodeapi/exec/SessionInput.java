package io.staticpod.agent.nodeapi.exec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.staticpod.runtime.spi.ExecStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a session's client sends to its command: stdin data and terminal sizes (the resize stream's JSON messages, one
 * a line), queued in the order they arrive from the connection's event loop and given to the command by an input
 * thread of the session ({@link #pump}), so that a command that does not read never holds the event loop. While more
 * than {@value #HIGH} bytes of stdin wait, the connection is not read: TCP holds a fast client back. The end of the
 * client's stdin is the command's.
 */
final class SessionInput {
    private static final Logger log = LoggerFactory.getLogger(SessionInput.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long HIGH = 1 << 20;
    static final long LOW = 256 << 10;
    private static final Object END_OF_INPUT = new Object();
    private static final Object STOP = new Object();

    /** A terminal size sent on the resize stream. */
    record Size(int width, int height) {
    }

    private final Channel channel;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>(); // byte[], Size, END_OF_INPUT, STOP
    private final AtomicLong queued = new AtomicLong();
    private final StringBuilder resizes = new StringBuilder(); // event loop only: a message cut between frames

    SessionInput(Channel channel) {
        this.channel = channel;
    }

    /** Stdin data, and whether the client's stdin ends with it. Event loop. */
    void stdin(ByteBuf data, boolean last) {
        int n = data.readableBytes();
        if (n > 0) {
            byte[] bytes = new byte[n];
            data.readBytes(bytes);
            queue.add(bytes);
            if (queued.addAndGet(n) > HIGH) {
                channel.config().setAutoRead(false);
            }
        }
        if (last) {
            queue.add(END_OF_INPUT);
        }
    }

    /** Resize stream data: every complete line a size. Event loop. */
    void resize(ByteBuf data) {
        resizes.append(data.toString(StandardCharsets.UTF_8));
        for (int nl = resizes.indexOf("\n"); nl >= 0; nl = resizes.indexOf("\n")) {
            String message = resizes.substring(0, nl).trim();
            resizes.delete(0, nl + 1);
            if (!message.isEmpty()) {
                try {
                    JsonNode size = JSON.readTree(message);
                    queue.add(new Size(size.path("Width").asInt(0), size.path("Height").asInt(0)));
                } catch (JsonProcessingException e) {
                    log.debug("Exec stream: a resize message that is not JSON was ignored");
                }
            }
        }
        if (resizes.length() > 4096) {
            resizes.setLength(0); // not a size message: nothing to wait for
        }
    }

    /** Ends {@link #pump} once it has given what came before. Any thread. */
    void stop() {
        queue.add(STOP);
    }

    /** The input thread: stdin to the command, sizes to its terminal, in order, until {@link #stop}. */
    void pump(ExecStreams.Process process) {
        OutputStream stdin = process.stdin();
        boolean open = true;
        try {
            while (true) {
                Object next = queue.take();
                if (next == STOP) {
                    return;
                }
                if (next instanceof byte[] bytes) {
                    if (open) {
                        try {
                            stdin.write(bytes);
                        } catch (IOException e) {
                            open = false; // the command no longer reads: the rest is dropped
                        }
                    }
                    if (queued.addAndGet(-bytes.length) < LOW && !channel.config().isAutoRead()) {
                        channel.config().setAutoRead(true);
                    }
                } else if (next == END_OF_INPUT && open) {
                    open = false;
                    try {
                        stdin.close();
                    } catch (IOException e) {
                        // the command has ended
                    }
                } else if (next instanceof Size size) {
                    try {
                        process.resize(size.width(), size.height());
                    } catch (RuntimeException e) {
                        log.debug("Exec stream: the terminal could not be resized error={}", e.toString());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
