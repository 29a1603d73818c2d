/**
 * The agent's own streaming server for {@code kubectl exec} and {@code kubectl port-forward} on runtimes that have
 * none ({@link io.staticpod.runtime.spi.ExecStreams}, the Docker Engine API): one-use URLs on loopback, to which the
 * node API hands the authorized upgraded connection over as it does to a CRI runtime's server, and SPDY/3.1 with the
 * {@code v4.channel.k8s.io} and {@code portforward.k8s.io} stream protocols behind them, as the kubelet's dockershim
 * served them.
 */
package io.staticpod.agent.nodeapi.exec;
