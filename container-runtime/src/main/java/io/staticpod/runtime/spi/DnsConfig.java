package io.staticpod.runtime.spi;

import java.util.List;

/**
 * The pod's {@code /etc/resolv.conf}; {@link #NODE} (all empty) means the node's own, as the engine copies it.
 */
public record DnsConfig(List<String> servers, List<String> searches, List<String> options) {
    public static final DnsConfig NODE = new DnsConfig(List.of(), List.of(), List.of());

    public DnsConfig {
        servers = servers == null ? List.of() : List.copyOf(servers);
        searches = searches == null ? List.of() : List.copyOf(searches);
        options = options == null ? List.of() : List.copyOf(options);
    }

    public boolean isNode() {
        return servers.isEmpty() && searches.isEmpty() && options.isEmpty();
    }
}
