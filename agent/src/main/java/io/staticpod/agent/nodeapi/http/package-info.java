/**
 * The node API's HTTP layer on Netty: TLS, HTTP/1.1 with keep-alive, one request at a time per connection (reading
 * stops while a request is handled, so a client can never queue work), requests handed to a small worker pool,
 * bodies streamed with back-pressure (a writer waits while the connection's buffer is over its high-water mark), and
 * an authorized upgrade request handed over as a raw byte tunnel to another server: the reason for Netty, since the
 * JDK's {@code HttpsServer} cannot give up a connection.
 */
package io.staticpod.agent.nodeapi.http;
