/**
 * The node API: the kubelet's HTTPS server (port 10250) for this agent's static pods, so that the API server can proxy
 * {@code kubectl logs}, {@code exec}, {@code attach} and {@code port-forward} to the node, and so that
 * monitoring can read {@code /metrics} and {@code /metrics/resource}.
 *
 * <p>Flow of a request: TLS (client certificates checked against the client CA) → {@code http}: Netty's HTTP codec,
 * one request at a time per connection, handed to a small worker pool → {@link io.staticpod.agent.nodeapi.Dispatcher}:
 * {@code auth} authenticates (x509, bearer token by TokenReview, anonymous) and authorizes (SubjectAccessReview on
 * {@code nodes/<subresource>} of this node, or AlwaysAllow), then the endpoint answers from the agent's seams
 * ({@link io.staticpod.agent.nodeapi.NodeApiBackend}): its static pods, their logs, its health and metrics. An
 * authorized upgrade request (exec, attach, port-forward) is handed over as a raw byte tunnel to the runtime's
 * streaming server ({@link io.staticpod.agent.nodeapi.Streaming#of}: CRI runtimes; on the Docker Engine API, exec
 * and port-forward, to the agent's own server in {@code exec}; 501 on the others).
 *
 * <p>This package knows nothing of how the agent keeps its pods: everything comes through the backend's seams, so
 * the server is tested with fakes and wired to whichever runtime SPI the agent runs on.
 */
package io.staticpod.agent.nodeapi;
