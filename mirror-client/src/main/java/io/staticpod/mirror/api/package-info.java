/**
 * The mirror client against a real API server (fabric8 kubernetes-client with the JDK HTTP client): the Node and its
 * Lease, one read-only mirror pod per static pod, their status and events. {@link
 * io.staticpod.mirror.api.ApiServerMirrorClient} does all the work on its own single worker thread, fed by the
 * agent's calls and by a watch of this node's pods; {@link io.staticpod.mirror.api.MirrorClients} builds it from a
 * kubeconfig. fabric8's mutable model stays inside this package.
 */
package io.staticpod.mirror.api;
