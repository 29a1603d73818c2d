package io.staticpod.manifest.model;

import java.util.List;

/**
 * The pod's names and name resolution.
 *
 * @param policy      {@code dnsPolicy}, defaulted to {@link DnsPolicy#ClusterFirst} as by the API server
 * @param config      {@code dnsConfig}, empty when absent
 * @param hostAliases extra {@code /etc/hosts} entries, in order
 * @param hostname    {@code spec.hostname}, or null (the pod's name then)
 * @param subdomain   {@code spec.subdomain}, or null
 */
public record PodDns(DnsPolicy policy, DnsConfig config, List<HostAlias> hostAliases, String hostname,
                     String subdomain) {
    public static final PodDns DEFAULT = new PodDns(DnsPolicy.ClusterFirst, DnsConfig.NONE, List.of(), null, null);

    public PodDns {
        policy = policy == null ? DnsPolicy.ClusterFirst : policy;
        config = config == null ? DnsConfig.NONE : config;
        hostAliases = hostAliases == null ? List.of() : List.copyOf(hostAliases);
    }

    public enum DnsPolicy { ClusterFirst, ClusterFirstWithHostNet, Default, None }

    /** {@code dnsConfig}: resolv.conf settings added to (or, with policy None, instead of) the policy's. */
    public record DnsConfig(List<String> nameservers, List<String> searches, List<Option> options) {
        public static final DnsConfig NONE = new DnsConfig(List.of(), List.of(), List.of());

        public DnsConfig {
            nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
            searches = searches == null ? List.of() : List.copyOf(searches);
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /** A resolv.conf option; {@code value} may be null ({@code rotate}). */
    public record Option(String name, String value) {
        /** As written in resolv.conf's {@code options} line: {@code ndots:2}, {@code rotate}. */
        public String resolvConf() {
            return value == null ? name : name + ":" + value;
        }
    }

    /** {@code hostAliases[]}: an address and the names that resolve to it. */
    public record HostAlias(String ip, List<String> hostnames) {
        public HostAlias {
            hostnames = hostnames == null ? List.of() : List.copyOf(hostnames);
        }
    }
}
