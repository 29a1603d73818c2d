package io.staticpod.runtime.spi;

import java.util.Objects;

/**
 * A container port published on the node.
 *
 * @param hostIp the node address to bind, or null/empty for all
 */
public record PortMapping(Protocol protocol, int containerPort, int hostPort, String hostIp) {
    public enum Protocol { TCP, UDP, SCTP }

    public PortMapping {
        Objects.requireNonNull(protocol, "protocol");
        if (containerPort < 1 || containerPort > 65535 || hostPort < 1 || hostPort > 65535) {
            throw new IllegalArgumentException("ports are 1-65535: container " + containerPort + ", host " + hostPort);
        }
        hostIp = hostIp == null ? "" : hostIp;
    }
}
