package io.staticpod.mirror.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the Node object says about this machine: its name and labels, address, capacity and system info.
 *
 * @param name           the node name (lowercase)
 * @param labels         extra labels from {@code --node-labels}
 * @param internalIp     the host's primary IPv4 address (InternalIP, and hostIP / host-network podIP of mirrors)
 * @param cpus           available processors
 * @param memoryKi       MemTotal in KiB
 * @param kernelVersion  {@code /proc/sys/kernel/osrelease}
 * @param osImage        PRETTY_NAME of {@code /etc/os-release}
 * @param arch           amd64, arm64 …, as GOARCH
 * @param runtimeVersion {@code docker://20.10.24}
 * @param kubeletVersion what {@code kubectl get nodes} shows in VERSION
 * @param kubeletPort    the node API's port ({@code status.daemonEndpoints.kubeletEndpoint.Port}, where the API server
 *                       sends {@code kubectl logs}), or 0 when it is off
 */
public record NodeFacts(String name, Map<String, String> labels, String internalIp, int cpus, long memoryKi,
                        String kernelVersion, String osImage, String arch, String runtimeVersion,
                        String kubeletVersion, int kubeletPort) {
    private static final Logger log = LoggerFactory.getLogger(NodeFacts.class);

    /** The API version this agent's behaviour follows, with a suffix that says who posts the status. */
    public static final String KUBELET_VERSION = "v1.20.2-static-pod-agent";

    public NodeFacts {
        Objects.requireNonNull(name, "name");
        name = name.toLowerCase(Locale.ROOT);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        Objects.requireNonNull(internalIp, "internalIp");
        runtimeVersion = runtimeVersion == null ? "" : runtimeVersion;
        kubeletVersion = kubeletVersion == null ? KUBELET_VERSION : kubeletVersion;
        if (kubeletPort < 0 || kubeletPort > 65535) {
            throw new IllegalArgumentException("kubeletPort " + kubeletPort + " is not a port (0 for none)");
        }
    }

    /** Facts without a node API port. */
    public NodeFacts(String name, Map<String, String> labels, String internalIp, int cpus, long memoryKi,
                     String kernelVersion, String osImage, String arch, String runtimeVersion, String kubeletVersion) {
        this(name, labels, internalIp, cpus, memoryKi, kernelVersion, osImage, arch, runtimeVersion, kubeletVersion,
                0);
    }

    /** Reads this machine's facts from {@code /proc}, {@code /etc/os-release} and its network interfaces. */
    public static NodeFacts detect(String name, Map<String, String> labels, String runtimeVersion) {
        return detect(name, labels, runtimeVersion, null, 0);
    }

    /**
     * As {@link #detect(String, Map, String)}, with the node's address and node API port.
     *
     * @param nodeIp      {@code --node-ip}: the InternalIP to publish, or null for the host's primary address
     * @param kubeletPort the node API's port, or 0 when it is off
     */
    public static NodeFacts detect(String name, Map<String, String> labels, String runtimeVersion, String nodeIp,
                                   int kubeletPort) {
        String ip = nodeIp != null && !nodeIp.isBlank() ? nodeIp : primaryIpv4().orElse("127.0.0.1");
        return new NodeFacts(name, labels, ip, Runtime.getRuntime().availableProcessors(),
                memTotalKi(Path.of("/proc/meminfo")), firstLine(Path.of("/proc/sys/kernel/osrelease")),
                osImage(Path.of("/etc/os-release")), goArch(System.getProperty("os.arch")), runtimeVersion,
                KUBELET_VERSION, kubeletPort);
    }

    static String goArch(String javaArch) {
        return switch (javaArch == null ? "" : javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "arm" -> "arm";
            case "ppc64le" -> "ppc64le";
            case "s390x" -> "s390x";
            default -> javaArch;
        };
    }

    static long memTotalKi(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("Cannot read memory capacity path={} error={}", meminfo, e.toString());
        }
        return 0;
    }

    static String osImage(Path osRelease) {
        try {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replaceAll("^\"|\"$", "");
                }
            }
        } catch (IOException e) {
            log.debug("Cannot read os-release path={} error={}", osRelease, e.toString());
        }
        return "Linux";
    }

    private static String firstLine(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return System.getProperty("os.version", "");
        }
    }

    /** The IPv4 address of the interface that holds the default route, else of the first real interface that is up. */
    public static Optional<String> primaryIpv4() {
        try {
            String defaultIface = defaultRouteInterface(Path.of("/proc/net/route"));
            if (defaultIface != null) {
                NetworkInterface ni = NetworkInterface.getByName(defaultIface);
                Optional<String> ip = ni == null ? Optional.empty() : ipv4(ni);
                if (ip.isPresent()) {
                    return ip;
                }
            }
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                String n = ni.getName();
                if (ni.isUp() && !ni.isLoopback() && !ni.isVirtual() && !n.startsWith("docker")
                        && !n.startsWith("veth") && !n.startsWith("br-") && !n.startsWith("cni")) {
                    Optional<String> ip = ipv4(ni);
                    if (ip.isPresent()) {
                        return ip;
                    }
                }
            }
        } catch (SocketException e) {
            log.warn("Cannot list network interfaces error={}", e.toString());
        }
        return Optional.empty();
    }

    private static Optional<String> ipv4(NetworkInterface ni) {
        return Collections.list(ni.getInetAddresses()).stream()
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .map(InetAddress::getHostAddress).findFirst();
    }

    /** The interface of the route to 0.0.0.0/0 in {@code /proc/net/route}, or null. */
    static String defaultRouteInterface(Path route) {
        try {
            List<String> lines = Files.readAllLines(route);
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 7 && f[1].equals("00000000") && f[7].equals("00000000")) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            log.debug("Cannot read routes path={} error={}", route, e.toString());
        }
        return null;
    }
}
