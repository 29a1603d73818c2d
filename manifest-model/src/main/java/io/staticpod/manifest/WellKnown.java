package io.staticpod.manifest;

/** Label and annotation keys, in one place: they are a contract with kubectl, log shippers and older agents. */
public final class WellKnown {
    private WellKnown() {
    }

    // annotations on the static pod (and its mirror), as the kubelet sets them
    public static final String CONFIG_HASH = "kubernetes.io/config.hash";
    public static final String CONFIG_SOURCE = "kubernetes.io/config.source";
    public static final String CONFIG_SEEN = "kubernetes.io/config.seen";
    public static final String CONFIG_MIRROR = "kubernetes.io/config.mirror";
    public static final String SOURCE_FILE = "file";

    // labels on every container, as the kubelet sets them
    public static final String POD_NAME = "io.kubernetes.pod.name";
    public static final String POD_NAMESPACE = "io.kubernetes.pod.namespace";
    public static final String POD_UID = "io.kubernetes.pod.uid";
    public static final String CONTAINER_NAME = "io.kubernetes.container.name";
    /** Sandbox containers carry {@code POD} as their container name, as dockershim does. */
    public static final String SANDBOX_CONTAINER_NAME = "POD";
    public static final String CONTAINER_HASH = "io.kubernetes.container.hash";
    public static final String CONTAINER_RESTART_COUNT = "io.kubernetes.container.restartCount";
    /** {@code podsandbox} or {@code container}, as dockershim's {@code io.kubernetes.docker.type}. */
    public static final String CONTAINER_TYPE = "io.kubernetes.docker.type";
    public static final String TYPE_SANDBOX = "podsandbox";
    public static final String TYPE_CONTAINER = "container";
    /** The pod's grace period in seconds, so that a container can be stopped properly after its manifest is gone. */
    public static final String POD_TERMINATION_GRACE_PERIOD = "io.kubernetes.pod.terminationGracePeriod";
    /** Annotation on containers: where the container writes its termination message, as the kubelet sets it. */
    public static final String TERMINATION_MESSAGE_PATH = "io.kubernetes.container.terminationMessagePath";
    /** Annotation on containers: {@code File} or {@code FallbackToLogsOnError}, as the kubelet sets it. */
    public static final String TERMINATION_MESSAGE_POLICY = "io.kubernetes.container.terminationMessagePolicy";
    /** On containers with a preStop hook: the handler's JSON ({@link HookJson}), as the kubelet keeps it. */
    public static final String PRE_STOP_HANDLER = "io.kubernetes.container.preStopHandler";
    /** On app containers: the id of the sandbox whose namespaces they joined, as dockershim. */
    public static final String SANDBOX_ID = "io.kubernetes.sandbox.id";

    // ours
    /** Ownership: every container this agent creates carries it, valued with the node name. */
    public static final String OWNER = "io.staticpod.agent.node";
    /** The manifest file a container was started from, for operators. */
    public static final String SOURCE_FILE_LABEL = "io.staticpod.agent.file";
    /**
     * On sandboxes: {@link PodIdentity#sandboxHash} of the pod it was created for. A sandbox whose label differs from
     * the desired pod's hash is recreated with its containers, as the kubelet's {@code podSandboxChanged}; one without
     * the label (made by an older agent) is adopted as it is.
     */
    public static final String SANDBOX_HASH = "io.staticpod.agent.sandbox.hash";
}
