package io.staticpod.agent.launch;

import io.staticpod.manifest.StaticPod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code /etc/hosts} every container of a pod gets, written by the agent as the kubelet writes it (CRI has no host
 * aliases): for a pod on its own network, localhost entries, the pod's address with its host name and the pod's
 * {@code hostAliases}; for a host-network pod, the node's own hosts file and the aliases. One file per pod, in its
 * state directory, bind-mounted into each container that does not mount {@code /etc/hosts} itself.
 */
final class EtcHosts {
    static final String CONTAINER_PATH = "/etc/hosts";
    private static final Path NODE_HOSTS = Path.of("/etc/hosts");

    private EtcHosts() {
    }

    /** The file's content. {@code podIp} may be null (a runtime without pod addresses): no address line then. */
    static String content(StaticPod pod, String hostname, String podIp) {
        StringBuilder b = new StringBuilder();
        if (pod.pod().spec().hostNetwork()) {
            b.append("# Kubernetes-managed hosts file (host network).\n");
            try {
                b.append(Files.readString(NODE_HOSTS, StandardCharsets.UTF_8));
            } catch (IOException e) {
                b.append("127.0.0.1\tlocalhost\n"); // no readable node file: at least the loopback name
            }
        } else {
            b.append("# Kubernetes-managed hosts file.\n")
                    .append("127.0.0.1\tlocalhost\n")
                    .append("::1\tlocalhost ip6-localhost ip6-loopback\n")
                    .append("fe00::0\tip6-localnet\n")
                    .append("fe00::0\tip6-mcastprefix\n")
                    .append("fe00::1\tip6-allnodes\n")
                    .append("fe00::2\tip6-allrouters\n");
            if (podIp != null && !podIp.isEmpty()) {
                b.append(podIp).append('\t').append(hostname).append('\n');
            }
        }
        List<Map.Entry<String, List<String>>> aliases = PodSettings.hostAliases(pod);
        if (!aliases.isEmpty()) {
            b.append("\n# Entries added by HostAliases.\n");
            aliases.forEach(a -> b.append(a.getKey()).append('\t').append(String.join("\t", a.getValue())).append('\n'));
        }
        return b.toString();
    }

    /**
     * Writes the file when its content differs (in place, so that running containers see the same file).
     *
     * @throws LaunchException when it cannot be written (a full disk: the containers do not start until it can)
     */
    static Path write(Path file, String content) throws LaunchException {
        try {
            if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
                return file;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new LaunchException("cannot write the pod's hosts file " + file + ": " + e.getMessage());
        }
    }
}
