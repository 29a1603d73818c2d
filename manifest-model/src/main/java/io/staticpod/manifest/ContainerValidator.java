package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.staticpod.manifest.PodValidator.list;
import static io.staticpod.manifest.PodValidator.text;
import static io.staticpod.manifest.PodValidator.unsupported;

/**
 * Validation of init and app containers: names, image, pull policy, ports, env (and its downward API references),
 * volume mounts, resources, security context, probes and termination message policy.
 */
final class ContainerValidator {
    static final List<String> PULL_POLICIES = List.of("Always", "IfNotPresent", "Never");
    static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
    static final List<String> MESSAGE_POLICIES = List.of("File", "FallbackToLogsOnError");
    private static final List<String> VALUE_SOURCES = List.of("fieldRef", "resourceFieldRef", "configMapKeyRef",
            "secretKeyRef", "fileKeyRef");

    private final Problems problems;
    private final Set<String> volumes;
    private final boolean hostNetwork;
    private final ResourceRules resources;
    private final DownwardApiRules downwardApi;
    private final PodValidator.FirstSeen names = new PodValidator.FirstSeen();
    private final PodValidator.FirstSeen hostPorts = new PodValidator.FirstSeen();

    ContainerValidator(Problems problems, Set<String> volumes, boolean hostNetwork, ResourceRules resources) {
        this.problems = problems;
        this.volumes = volumes;
        this.hostNetwork = hostNetwork;
        this.resources = resources;
        this.downwardApi = new DownwardApiRules(problems, resources);
    }

    void validate(JsonNode spec) {
        for (String list : new String[] {"initContainers", "containers"}) {
            JsonNode containers = list(spec, list);
            for (int i = 0; i < containers.size(); i++) {
                validate(containers.get(i), "spec." + list + "[" + i + "]", list.equals("containers"));
            }
        }
    }

    private void validate(JsonNode c, String path, boolean appContainer) {
        notHonoured(c, path);
        for (String probe : new String[] {"livenessProbe", "readinessProbe", "startupProbe"}) {
            if (c.hasNonNull(probe)) {
                if (!appContainer) {
                    problems.error(path + "." + probe, "init containers may not have probes");
                } else {
                    validateProbe(c, c.get(probe), path + "." + probe, probe);
                }
            }
        }
        if (c.path("lifecycle").hasNonNull("postStart") || c.path("lifecycle").hasNonNull("preStop")) {
            if (!appContainer) {
                problems.error(path + ".lifecycle", "must not be set for init containers");
            } else {
                validateLifecycle(c, path);
            }
        }
        String name = text(c, "name");
        if (name == null || name.isEmpty()) {
            problems.error(path + ".name", "required");
        } else {
            String problem = Names.checkLabel(name);
            String first = names.seen(name, path);
            if (problem != null) {
                problems.error(path + ".name", problem);
            } else if (first != null) {
                problems.error(path + ".name", "duplicate name " + Names.quote(name) + " (also " + first + "): container"
                        + " names must be unique across initContainers and containers");
            }
        }
        String image = text(c, "image");
        if (image == null || image.isBlank()) {
            problems.error(path + ".image", "required");
        } else if (!image.strip().equals(image)) {
            problems.error(path + ".image", "must not have leading or trailing whitespace");
        }
        String pullPolicy = text(c, "imagePullPolicy");
        if (pullPolicy != null && !PULL_POLICIES.contains(pullPolicy)) {
            problems.error(path + ".imagePullPolicy", unsupported(pullPolicy, PULL_POLICIES));
        }
        validatePorts(list(c, "ports"), path + ".ports", appContainer);
        validateEnv(list(c, "env"), path + ".env");
        validateMounts(list(c, "volumeMounts"), path + ".volumeMounts");
        resources.checkResources(c.path("resources"), path + ".resources");
        SecurityRules.check(c.path("securityContext"), path + ".securityContext", problems);
        String messagePolicy = text(c, "terminationMessagePolicy");
        if (messagePolicy != null && !messagePolicy.isEmpty() && !MESSAGE_POLICIES.contains(messagePolicy)) {
            problems.error(path + ".terminationMessagePolicy", unsupported(messagePolicy, MESSAGE_POLICIES));
        }
    }

    private void validatePorts(JsonNode ports, String path, boolean appContainer) {
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode port = ports.get(i);
            String name = text(port, "name");
            if (name != null && !name.isEmpty()) {
                String problem = Names.checkPortName(name);
                if (problem != null) {
                    problems.error(p + ".name", problem);
                } else if (!portNames.add(name)) {
                    problems.error(p + ".name", "duplicate name " + Names.quote(name) + ": port names must be unique");
                }
            }
            long containerPort = port.path("containerPort").asLong(0);
            if (!port.hasNonNull("containerPort")) {
                problems.error(p + ".containerPort", "required");
            } else if (containerPort < 1 || containerPort > 65535) {
                problems.error(p + ".containerPort", "invalid value " + containerPort + ": must be 1 to 65535");
            }
            long hostPort = port.path("hostPort").asLong(0);
            if (hostPort < 0 || hostPort > 65535) {
                problems.error(p + ".hostPort", "invalid value " + hostPort + ": must be 0 to 65535 (0: none)");
            } else if (hostNetwork && hostPort != 0 && hostPort != containerPort) {
                problems.error(p + ".hostPort", "must equal containerPort (" + containerPort + ") when"
                        + " hostNetwork is true, got " + hostPort);
            }
            String protocol = text(port, "protocol");
            if (protocol != null && !PROTOCOLS.contains(protocol)) {
                problems.error(p + ".protocol", unsupported(protocol, PROTOCOLS));
            }
            if (appContainer && hostPort > 0) {
                String key = text(port, "hostIP") + ":" + hostPort + "/" + protocol;
                String first = hostPorts.seen(key, p);
                if (first != null) {
                    problems.error(p + ".hostPort", "duplicate host port " + hostPort + "/" + protocol
                            + " (also " + first + ")");
                }
            }
        }
    }

    private void validateEnv(JsonNode env, String path) {
        for (int i = 0; i < env.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode var = env.get(i);
            String name = text(var, "name");
            if (name == null || name.isEmpty()) {
                problems.error(p + ".name", "required");
            } else if (name.contains("=")) {
                problems.error(p + ".name", Names.invalid(name) + ": must not contain '='");
            }
            if (!var.hasNonNull("valueFrom")) {
                continue;
            }
            if (!var.path("value").asText("").isEmpty()) {
                problems.error(p + ".valueFrom", "may not be set when value is set: use one of them");
            }
            JsonNode valueFrom = var.get("valueFrom");
            long sources = VALUE_SOURCES.stream().filter(valueFrom::hasNonNull).count();
            if (sources != 1) {
                problems.error(p + ".valueFrom", "must specify exactly one of fieldRef, resourceFieldRef,"
                        + " configMapKeyRef or secretKeyRef");
            }
            if (valueFrom.hasNonNull("fieldRef") && valueFrom.path("fieldRef").path("fieldPath").asText("").isEmpty()) {
                problems.error(p + ".valueFrom.fieldRef.fieldPath", "required, e.g. metadata.name");
            } else if (valueFrom.hasNonNull("fieldRef")) {
                downwardApi.checkFieldRef(valueFrom.get("fieldRef"), p + ".valueFrom.fieldRef", false);
            }
            if (valueFrom.hasNonNull("resourceFieldRef")
                    && valueFrom.path("resourceFieldRef").path("resource").asText("").isEmpty()) {
                problems.error(p + ".valueFrom.resourceFieldRef.resource", "required, e.g. limits.memory");
            }
            if (valueFrom.hasNonNull("resourceFieldRef")) {
                resources.checkFieldRef(valueFrom.get("resourceFieldRef"), p + ".valueFrom.resourceFieldRef", false);
            }
            if (valueFrom.hasNonNull("fileKeyRef")) {
                problems.error(p + ".valueFrom.fileKeyRef", "not supported by this agent: give the value, or read the"
                        + " file in the container's command");
            }
        }
    }

    private void validateMounts(JsonNode mounts, String path) {
        Set<String> mountPaths = new HashSet<>();
        for (int i = 0; i < mounts.size(); i++) {
            String p = path + "[" + i + "]";
            JsonNode mount = mounts.get(i);
            String name = text(mount, "name");
            if (name == null || name.isEmpty()) {
                problems.error(p + ".name", "required");
            } else if (!volumes.contains(name)) {
                problems.error(p + ".name", "volume " + Names.quote(name) + " not found: define it in spec.volumes");
            }
            String mountPath = text(mount, "mountPath");
            if (mountPath == null || mountPath.isEmpty()) {
                problems.error(p + ".mountPath", "required");
            } else if (!mountPath.startsWith("/")) {
                problems.error(p + ".mountPath", Names.invalid(mountPath) + ": must be an absolute path");
            } else if (!mountPaths.add(mountPath)) {
                problems.error(p + ".mountPath", "duplicate mountPath " + Names.quote(mountPath) + ": each mount needs its"
                        + " own path");
            }
            String subPath = text(mount, "subPath");
            if (subPath != null && (subPath.startsWith("/") || List.of(subPath.split("/")).contains(".."))) {
                problems.error(p + ".subPath", Names.invalid(subPath) + ": must be a relative path without '..'");
            }
        }
    }

    /** Fields the agent accepts but cannot act on: said once per file, with the line, never silently ignored. */
    private void notHonoured(JsonNode c, String path) {
        JsonNode lifecycle = c.path("lifecycle");
        for (String hook : new String[] {"postStart", "preStop"}) {
            if (lifecycle.path(hook).hasNonNull("tcpSocket")) {
                problems.warn(path + ".lifecycle." + hook + ".tcpSocket", "a tcpSocket hook is not run: it fails,"
                        + " as the kubelet's (use exec or httpGet)");
            }
        }
        if (c.path("volumeDevices").size() > 0) {
            problems.warn(path + ".volumeDevices", "not supported by this agent: no block device is attached");
        }
    }

    /** As the API server's validateProbe: one handler, a port that exists, positive periods and thresholds. */
    private void validateProbe(JsonNode container, JsonNode probe, String path, String kind) {
        validateHandler(container, probe, path);
        for (String f : new String[] {"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                "failureThreshold"}) {
            if (probe.hasNonNull(f) && probe.get(f).asInt() < 0) {
                problems.error(path + "." + f, "must be greater than or equal to 0");
            }
        }
        if (!kind.equals("readinessProbe") && probe.path("successThreshold").asInt(1) > 1) {
            problems.error(path + ".successThreshold", "must be 1 for " + kind);
        }
    }

    /**
     * As the API server's validateLifecycle: each hook present has one handler, as a probe's, or {@code sleep} with
     * seconds not below zero.
     */
    private void validateLifecycle(JsonNode container, String path) {
        JsonNode lifecycle = container.path("lifecycle");
        for (String hook : new String[] {"postStart", "preStop"}) {
            JsonNode handler = lifecycle.get(hook);
            if (handler == null || handler.isNull()) {
                continue;
            }
            String at = path + ".lifecycle." + hook;
            if (!handler.hasNonNull("sleep")) {
                validateHandler(container, handler, at);
            } else if (handler.size() > 1) {
                problems.error(at, "must specify exactly one handler of exec, httpGet, tcpSocket, sleep");
            } else if (!handler.get("sleep").path("seconds").canConvertToLong()
                    || handler.get("sleep").path("seconds").asLong() < 0) {
                problems.error(at + ".sleep.seconds", "must be greater than or equal to 0");
            }
        }
    }

    /** One handler of exec (with a command), httpGet or tcpSocket (with a port that exists). */
    private void validateHandler(JsonNode container, JsonNode probe, String path) {
        List<String> handlers = new java.util.ArrayList<>();
        for (String h : new String[] {"exec", "httpGet", "tcpSocket", "grpc"}) {
            if (probe.hasNonNull(h)) {
                handlers.add(h);
            }
        }
        if (handlers.size() != 1) {
            problems.error(path, "must specify exactly one handler of exec, httpGet, tcpSocket"
                    + (handlers.isEmpty() ? "" : " (found " + String.join(", ", handlers) + ")"));
            return;
        }
        String handler = handlers.get(0);
        if (handler.equals("grpc")) {
            problems.error(path + ".grpc", "gRPC probes are not supported by this agent: use exec, httpGet or tcpSocket");
            return;
        }
        if (handler.equals("exec") && list(probe.get("exec"), "command").isEmpty()) {
            problems.error(path + ".exec.command", "required");
        }
        if (handler.equals("httpGet") || handler.equals("tcpSocket")) {
            JsonNode port = probe.get(handler).get("port");
            String portPath = path + "." + handler + ".port";
            if (port == null || port.isNull() || port.asText().isEmpty()) {
                problems.error(portPath, "required");
            } else if (port.isIntegralNumber()) {
                int n = port.asInt();
                if (n < 1 || n > 65535) {
                    problems.error(portPath, "must be between 1 and 65535, inclusive");
                }
            } else {
                boolean named = false;
                for (JsonNode p : list(container, "ports")) {
                    named |= port.asText().equals(text(p, "name"));
                }
                if (!named) {
                    problems.error(portPath, "no container port named " + Names.quote(port.asText()));
                }
            }
            if (handler.equals("httpGet")) {
                String scheme = text(probe.get("httpGet"), "scheme");
                if (scheme != null && !scheme.equals("HTTP") && !scheme.equals("HTTPS")) {
                    problems.error(path + ".httpGet.scheme", unsupported(scheme, List.of("HTTP", "HTTPS")));
                }
            }
        }
    }
}
