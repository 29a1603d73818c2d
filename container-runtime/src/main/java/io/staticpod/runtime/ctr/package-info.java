/**
 * containerd through its {@code ctr} CLI. {@link io.staticpod.runtime.ctr.CtrPodRuntime} is the pod-level runtime
 * ({@code --runtime ctr}) on the {@link io.staticpod.runtime.spi} SPI: sandboxes as pause containers whose namespaces
 * the pod's containers join, in a containerd namespace of the agent's own, everything through the
 * {@link io.staticpod.runtime.exec.CommandRunner} seam. The helpers it is built from (ctr's output and errors, the
 * labels that hold what ctr cannot, images, task lifecycle with exact exit statuses, command-line pieces) are public
 * only because the container-level {@code io.staticpod.runtime.containerd} adapter uses them too until it goes.
 */
package io.staticpod.runtime.ctr;
