/**
 * The CRI adapter: {@link io.staticpod.runtime.cri.CriRuntime} drives any runtime that serves the Kubernetes
 * Container Runtime Interface ({@code runtime.v1} RuntimeService and ImageService, gRPC on a UNIX socket):
 * containerd's CRI plugin (its containers live in containerd's {@code k8s.io} namespace) or CRI-O. The messages come
 * from the project's own {@code src/main/proto/cri.proto}, compiled at build time.
 *
 * <p>Parts: {@link io.staticpod.runtime.cri.CriChannel} (the one connection: one event-loop thread, unpooled
 * buffers), {@link io.staticpod.runtime.cri.CriErrors} (gRPC status codes to typed {@code RuntimeError}s, in one
 * place), {@link io.staticpod.runtime.cri.CriRequests} and {@link io.staticpod.runtime.cri.CriResults} (SPI records
 * to CRI messages and back), one class per part of the SPI ({@code CriSandboxes}, {@code CriContainers},
 * {@code CriImages}, {@code CriExec}, {@code CriLogs}, {@code CriStreaming}), and
 * {@link io.staticpod.runtime.cri.CriLogFiles}, which rotates a container's log file. The runtime writes each
 * container's output in the CRI log format to {@code <sandbox log directory>/<container log path>}, as the kubelet
 * lays them out ({@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<attempt>.log}); this package reads them.
 */
package io.staticpod.runtime.cri;
