package io.staticpod.runtime.cri;

import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.staticpod.runtime.spi.ContainerEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One subscription to a gRPC server stream of events, read by a daemon thread of its own that hands each message on
 * in order. When the stream ends or is cut, the thread waits (1 s, doubling to 30 s, back to 1 s once a message came),
 * opens it again and delivers {@link ContainerEvent.Type#RESYNC} first. Closing the handle cancels the stream and ends
 * the thread.
 */
final class EventStreams {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private EventStreams() {
    }

    /**
     * @param open     opens the stream (on the subscription's thread, inside its cancellable context)
     * @param each     what to do with each message
     * @param listener gets the RESYNC after a gap
     * @param what     names the stream in the log
     */
    static <T> AutoCloseable follow(String thread, String what, Supplier<Iterator<T>> open, Consumer<T> each,
                                    Consumer<ContainerEvent> listener) {
        Context.CancellableContext context = Context.current().withCancellation();
        Thread reader = new Thread(() -> context.run(() -> read(what, open, each, listener, context)), thread);
        reader.setDaemon(true);
        reader.start();
        return () -> {
            context.cancel(null);
            reader.interrupt();
        };
    }

    private static <T> void read(String what, Supplier<Iterator<T>> open, Consumer<T> each,
                                 Consumer<ContainerEvent> listener, Context.CancellableContext context) {
        Duration backoff = FIRST_BACKOFF;
        boolean first = true;
        while (!context.isCancelled()) {
            try {
                Iterator<T> events = open.get();
                if (!first) {
                    listener.accept(new ContainerEvent(ContainerEvent.Type.RESYNC, null, Map.of(), null));
                }
                first = false;
                while (events.hasNext()) {
                    backoff = FIRST_BACKOFF;
                    each.accept(events.next());
                }
            } catch (StatusRuntimeException e) {
                if (context.isCancelled()) {
                    return;
                }
                LOG.warn("Event stream failed; reconnecting stream={} in={} error={}", what, backoff, e.getStatus());
            }
            first = false;
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }
}
