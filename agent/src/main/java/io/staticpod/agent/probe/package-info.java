/**
 * Container probes (liveness, readiness, startup; exec, httpGet, tcpSocket) with the kubelet's semantics. Results
 * feed the pod's Ready condition and, on liveness or startup failure, a restart of the container.
 */
package io.staticpod.agent.probe;
