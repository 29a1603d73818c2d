package io.staticpod.agent.probe;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/** The node's own address, where probes of host-network pods go (their pod IP is the node's). */
public final class HostAddress {
    private HostAddress() {
    }

    /**
     * The first IPv4 address of an interface that is up, not loopback and not a container bridge; 127.0.0.1 when
     * there is none.
     */
    public static String primary() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual() || nic.getName().startsWith("docker")
                        || nic.getName().startsWith("veth") || nic.getName().startsWith("br-")
                        || nic.getName().startsWith("cni")) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces readable: loopback below
        }
        return "127.0.0.1";
    }
}
