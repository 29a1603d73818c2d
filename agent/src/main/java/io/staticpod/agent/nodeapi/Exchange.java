package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.logs.LogSink;

import java.net.URI;

/** The answer side of one request, implemented by the HTTP layer. Exactly one of its methods is called, once. */
public interface Exchange {

    /** A whole response. */
    void respond(int status, String contentType, byte[] body);

    /** Starts a 200 response whose body is streamed (chunked) through the sink returned. */
    LogSink stream(String contentType);

    /**
     * Hands the connection over to {@code target} (an {@code http://} URL): the request is sent there with the path
     * and query of {@code target} and its own headers (not its credentials), and from then on bytes are copied both
     * ways until either side closes. Answers 502 when {@code target} cannot be reached.
     */
    void tunnel(URI target);

    /** Who asked, for the request log ({@code user} via {@code how}); called before the answer. */
    default void identify(String who) {
    }
}
