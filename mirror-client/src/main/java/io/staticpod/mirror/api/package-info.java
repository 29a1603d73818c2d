/**
 * The mirror client against a real API server (fabric8 kubernetes-client with the JDK HTTP client), at the kubelet's
 * seams. {@link io.staticpod.mirror.api.ApiServerMirrorClient} is a thin coordinator: one worker thread runs a pass
 * of steps, each with its own failures and back-off: {@link io.staticpod.mirror.api.NodeRegistration} (the Node),
 * {@link io.staticpod.mirror.api.NodeHeartbeat} (Lease and node status),
 * {@link io.staticpod.mirror.api.MirrorPodSync} (mirror pods, fed by {@link io.staticpod.mirror.api.PodWatch}),
 * {@link io.staticpod.mirror.api.PodStatusWriter} (pod status), {@link io.staticpod.mirror.api.EventSender} (events,
 * from the {@link io.staticpod.mirror.api.EventBuffer}); the {@link io.staticpod.mirror.api.ServerGate} stops a pass
 * when the API server does not answer. Every timing decision reads one {@link io.staticpod.mirror.api.Ticker}.
 * {@link io.staticpod.mirror.api.MirrorClients} builds the client from a kubeconfig, with every request metered
 * ({@code http}). fabric8's mutable model stays inside this package.
 */
package io.staticpod.mirror.api;
