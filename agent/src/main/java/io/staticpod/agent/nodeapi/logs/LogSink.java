package io.staticpod.agent.nodeapi.logs;

import java.io.IOException;

/**
 * Where a log response goes: the body of an HTTP response already started. {@link #write} blocks while the client
 * is slower than the log (the connection's buffer is full), which holds back the reading too: what waits in memory
 * is bounded by the connection's buffer, whatever the client does.
 */
public interface LogSink {

    /**
     * @param flush send it now (a followed log: each line as it comes)
     * @throws IOException when the client went away
     */
    void write(byte[] bytes, boolean flush) throws IOException;

    /** Ends the response. */
    void end();

    /** Ends the connection without ending the response properly (an error after the body started). */
    void abort();

    /** Runs {@code action} once the client is gone (or at once if it already is), on any thread. */
    void onClose(Runnable action);
}
