package io.staticpod.manifest.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The pod's spec as the agent acts on it, defaulted. Build one with {@link #builder}.
 *
 * @param volumes                       in order, each with its source
 * @param restartPolicy                 defaulted to Always
 * @param terminationGracePeriodSeconds defaulted to 30
 * @param namespaces                    which namespaces of the node the pod shares
 * @param dns                           DNS policy and settings, host aliases, hostname and subdomain
 * @param securityContext               the pod-level security settings (each container's effective ones are in
 *                                      {@link Container#security()})
 * @param priorityClassName             or null
 * @param nodeName                      the node's name, lowercased (stamped by the reader)
 */
public record PodSpec(List<Container> initContainers,
                      List<Container> containers,
                      List<Volume> volumes,
                      RestartPolicy restartPolicy,
                      long terminationGracePeriodSeconds,
                      Namespaces namespaces,
                      PodDns dns,
                      PodSecurityContext securityContext,
                      String priorityClassName,
                      String nodeName) {
    public static final long DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

    public PodSpec {
        initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
        containers = containers == null ? List.of() : List.copyOf(containers);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        restartPolicy = restartPolicy == null ? RestartPolicy.Always : restartPolicy;
        namespaces = namespaces == null ? Namespaces.POD : namespaces;
        dns = dns == null ? PodDns.DEFAULT : dns;
        securityContext = securityContext == null ? PodSecurityContext.DEFAULT : securityContext;
    }

    /** @deprecated the first model's shape; use {@link #builder}. */
    @Deprecated
    public PodSpec(List<Container> initContainers, List<Container> containers, List<Volume> volumes,
                   RestartPolicy restartPolicy, long terminationGracePeriodSeconds, boolean hostNetwork,
                   boolean hostPID, boolean hostIPC, String hostname, String nodeName) {
        this(initContainers, containers, volumes, restartPolicy, terminationGracePeriodSeconds,
                new Namespaces(hostNetwork, hostPID, hostIPC, false),
                new PodDns(null, null, null, hostname, null), null, null, nodeName);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code namespaces().hostNetwork()}. */
    public boolean hostNetwork() {
        return namespaces.hostNetwork();
    }

    /** {@code namespaces().hostPID()}. */
    public boolean hostPID() {
        return namespaces.hostPID();
    }

    /** {@code namespaces().hostIPC()}. */
    public boolean hostIPC() {
        return namespaces.hostIPC();
    }

    /** {@code dns().hostname()}: null when the pod's name is its host name. */
    public String hostname() {
        return dns.hostname();
    }

    /** Init containers, then app containers. */
    public List<Container> allContainers() {
        List<Container> all = new ArrayList<>(initContainers);
        all.addAll(containers);
        return all;
    }

    /** The init or app container named {@code name}. */
    public Optional<Container> container(String name) {
        return allContainers().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The volume named {@code name}. */
    public Optional<Volume> volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /**
     * Whether an environment variable or a downwardAPI volume of the pod reads {@code fieldPath} (such as
     * {@code status.podIP}): what must be known before the containers start.
     */
    public boolean refersToField(String fieldPath) {
        Stream<ValueSource> fromEnv = allContainers().stream().flatMap(c -> c.env().stream())
                .map(EnvVar::valueFrom);
        Stream<ValueSource> fromVolumes = volumes.stream().map(Volume::source)
                .filter(s -> s instanceof Volume.DownwardApi).flatMap(s -> ((Volume.DownwardApi) s).items().stream())
                .map(Volume.DownwardApi.Item::source);
        return Stream.concat(fromEnv, fromVolumes)
                .anyMatch(s -> s instanceof FieldRef f && f.fieldPath().equals(fieldPath));
    }

    /** A builder, so that callers name what they set; unset parts take the record's defaults. */
    public static final class Builder {
        private List<Container> initContainers;
        private List<Container> containers;
        private List<Volume> volumes;
        private RestartPolicy restartPolicy;
        private long terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
        private Namespaces namespaces;
        private PodDns dns;
        private PodSecurityContext securityContext;
        private String priorityClassName;
        private String nodeName;

        private Builder() {
        }

        public Builder initContainers(List<Container> initContainers) {
            this.initContainers = initContainers;
            return this;
        }

        public Builder containers(List<Container> containers) {
            this.containers = containers;
            return this;
        }

        public Builder volumes(List<Volume> volumes) {
            this.volumes = volumes;
            return this;
        }

        public Builder restartPolicy(RestartPolicy restartPolicy) {
            this.restartPolicy = restartPolicy;
            return this;
        }

        public Builder terminationGracePeriodSeconds(long seconds) {
            this.terminationGracePeriodSeconds = seconds;
            return this;
        }

        public Builder namespaces(Namespaces namespaces) {
            this.namespaces = namespaces;
            return this;
        }

        public Builder dns(PodDns dns) {
            this.dns = dns;
            return this;
        }

        public Builder securityContext(PodSecurityContext securityContext) {
            this.securityContext = securityContext;
            return this;
        }

        public Builder priorityClassName(String priorityClassName) {
            this.priorityClassName = priorityClassName;
            return this;
        }

        public Builder nodeName(String nodeName) {
            this.nodeName = nodeName;
            return this;
        }

        public PodSpec build() {
            return new PodSpec(initContainers, containers, volumes, restartPolicy, terminationGracePeriodSeconds,
                    namespaces, dns, securityContext, priorityClassName, nodeName);
        }
    }
}
