package io.staticpod.runtime.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to run a pod's sandbox, as CRI's {@code PodSandboxConfig}.
 *
 * @param metadata     who it is for
 * @param hostname     the pod's host name (ignored on the node's network, where it is the node's)
 * @param logDirectory where runtimes that write log files put the pod's ({@code /var/log/pods/<ns>_<pod>_<uid>}), or
 *                     null; see {@link Capabilities#logFiles()}
 * @param dns          the pod's resolv.conf
 * @param portMappings container ports published on the node
 * @param labels       labels to set, by which {@link PodSandboxes#list} finds it again
 * @param annotations  annotations to set (runtimes without annotations keep them as labels)
 * @param namespaces   network, PID and IPC namespaces
 * @param sysctls      namespaced kernel parameters for the pod
 * @param privileged   some container of the pod is privileged (the sandbox must allow it)
 */
public record SandboxConfig(SandboxMetadata metadata,
                            String hostname,
                            String logDirectory,
                            DnsConfig dns,
                            List<PortMapping> portMappings,
                            Map<String, String> labels,
                            Map<String, String> annotations,
                            NamespaceOptions namespaces,
                            Map<String, String> sysctls,
                            boolean privileged) {
    public SandboxConfig {
        Objects.requireNonNull(metadata, "metadata");
        dns = dns == null ? DnsConfig.NODE : dns;
        portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        namespaces = namespaces == null ? NamespaceOptions.POD : namespaces;
        sysctls = sysctls == null ? Map.of() : Map.copyOf(sysctls);
    }

    /** On the node's network (hostNetwork): no address of its own, no port mapping needed. */
    public boolean hostNetwork() {
        return namespaces.network() == NamespaceMode.NODE;
    }
}
