package io.staticpod.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's validation rules that matter for a static pod, run on the defaulted tree. Every error is
 * reported (not only the first), each at its field with what would be valid. Containers are checked by
 * {@link ContainerValidator}, API object references by {@link ApiReferenceRules}, resources by
 * {@link ResourceRules}, seccomp profiles by {@link SecurityRules}, the downward API by {@link DownwardApiRules}.
 * What passes is what the binder ({@link PodBinder}) can turn into records without a failure.
 */
final class PodValidator {
    static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
    static final List<String> HOST_PATH_TYPES = List.of("", "DirectoryOrCreate", "Directory", "FileOrCreate",
            "File", "Socket", "CharDevice", "BlockDevice");
    static final List<String> DNS_POLICIES = List.of("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None");
    static final List<String> STORAGE_MEDIA = List.of("Memory", "HugePages", "HugePages-<size>");

    /** The API server's limit on the keys and values of all annotations together (TotalAnnotationSizeLimitB). */
    static final long ANNOTATIONS_MAX = 256 * 1024;

    private final Problems problems;
    private final String nodeName;

    private PodValidator(Problems problems, String nodeName) {
        this.problems = problems;
        this.nodeName = nodeName;
    }

    static void validate(JsonNode pod, String nodeName, Problems problems) {
        new PodValidator(problems, nodeName).validate(pod);
    }

    private void validate(JsonNode pod) {
        validateMetadata(pod.path("metadata"));
        JsonNode spec = pod.path("spec");
        if (!spec.isObject()) {
            problems.error("spec", "required: a Pod needs a spec with at least one container");
            return;
        }
        String restartPolicy = text(spec, "restartPolicy");
        if (restartPolicy != null && !RESTART_POLICIES.contains(restartPolicy)) {
            problems.error("spec.restartPolicy", unsupported(restartPolicy, RESTART_POLICIES));
        }
        validateDns(spec);
        if (spec.path("hostPID").asBoolean(false) && spec.path("shareProcessNamespace").asBoolean(false)) {
            problems.error("spec.shareProcessNamespace", "may not be true when hostPID is true: the containers"
                    + " already share the node's process namespace");
        }
        SecurityRules.check(spec.path("securityContext"), "spec.securityContext", problems);
        if (spec.path("terminationGracePeriodSeconds").asLong(0) < 0) {
            problems.error("spec.terminationGracePeriodSeconds", "must be greater than or equal to 0 (seconds)");
        }
        for (String field : new String[] {"hostname", "subdomain"}) {
            String value = text(spec, field);
            if (value != null && !value.isEmpty()) {
                check("spec." + field, Names.checkLabel(value));
            }
        }
        if (list(spec, "ephemeralContainers").size() > 0) {
            problems.error("spec.ephemeralContainers", "may not be set in a manifest (the API server refuses it on"
                    + " create): ephemeral containers are added to a running pod through the API, as kubectl debug does,"
                    + " and a static pod's mirror takes none; make it an ordinary container or remove it");
        }
        Set<String> containerNames = new HashSet<>();
        for (String list : new String[] {"initContainers", "containers"}) {
            list(spec, list).forEach(c -> containerNames.add(c.path("name").asText("")));
        }
        ResourceRules resourceRules = new ResourceRules(problems, containerNames);
        Set<String> volumes = validateVolumes(list(spec, "volumes"), new DownwardApiRules(problems, resourceRules));
        if (list(spec, "containers").size() == 0) {
            problems.error("spec.containers", "required: at least one container");
        }
        new ContainerValidator(problems, volumes, spec.path("hostNetwork").asBoolean(false), resourceRules)
                .validate(spec);
        ApiReferenceRules.check(spec, problems);
    }

    private void validateDns(JsonNode spec) {
        String policy = text(spec, "dnsPolicy");
        if (policy != null && !policy.isEmpty() && !DNS_POLICIES.contains(policy)) {
            problems.error("spec.dnsPolicy", unsupported(policy, DNS_POLICIES));
        } else if ("None".equals(policy) && list(spec.path("dnsConfig"), "nameservers").size() == 0) {
            problems.error("spec.dnsPolicy", "None needs at least one nameserver in spec.dnsConfig.nameservers");
        }
    }

    private void validateMetadata(JsonNode metadata) {
        String name = text(metadata, "name");
        if (name == null || name.isEmpty()) {
            problems.error("metadata.name", "required");
        } else {
            String problem = Names.checkSubdomain(name);
            String podName = PodIdentity.podName(name, nodeName);
            if (problem != null) {
                problems.error("metadata.name", problem);
            } else if (podName.length() > Names.SUBDOMAIN_MAX) {
                problems.error("metadata.name", "too long: the mirror pod's name, " + Names.quote(podName)
                        + " (the name, '-' and the node name " + nodeName + "), is " + podName.length()
                        + " characters; it must be no more than " + Names.SUBDOMAIN_MAX + ": shorten the name to at most "
                        + (Names.SUBDOMAIN_MAX - 1 - nodeName.length()) + " characters");
            }
        }
        String namespace = text(metadata, "namespace");
        if (namespace != null) {
            check("metadata.namespace", Names.checkLabel(namespace));
        }
        metadata.path("labels").properties().forEach(label -> {
            String path = SourceLines.child("metadata.labels", label.getKey());
            check(path, Names.checkQualifiedKey(label.getKey()));
            if (label.getValue().isTextual()) {
                check(path, Names.checkLabelValue(label.getValue().asText()));
            }
        });
        metadata.path("annotations").fieldNames().forEachRemaining(key ->
                check(SourceLines.child("metadata.annotations", key), Names.checkQualifiedKey(key)));
        long annotationBytes = 0;
        for (var a : metadata.path("annotations").properties()) {
            annotationBytes += a.getKey().length() + (a.getValue().isTextual() ? a.getValue().asText().length() : 0);
        }
        if (annotationBytes > ANNOTATIONS_MAX) {
            problems.error("metadata.annotations", "too long: must have at most " + ANNOTATIONS_MAX + " bytes, has "
                    + annotationBytes + " (the API server's limit for all annotations together)");
        }
        JsonNode mirror = metadata.path("annotations").get(WellKnown.CONFIG_MIRROR);
        if (mirror != null) {
            problems.error(SourceLines.child("metadata.annotations", WellKnown.CONFIG_MIRROR),
                    "must not be set in a manifest: it marks the mirror pods that the agent creates; remove it");
        }
    }

    /** Checks the volumes and returns the names defined. */
    private Set<String> validateVolumes(JsonNode volumes, DownwardApiRules downwardApi) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < volumes.size(); i++) {
            String path = "spec.volumes[" + i + "]";
            JsonNode volume = volumes.get(i);
            String name = text(volume, "name");
            if (name == null || name.isEmpty()) {
                problems.error(path + ".name", "required");
            } else if (!names.add(name)) {
                problems.error(path + ".name", "duplicate name " + Names.quote(name) + ": volume names must be unique");
            } else {
                check(path + ".name", Names.checkLabel(name));
            }
            List<String> sources = PodSchema.VOLUME_SOURCES.stream()
                    .filter(s -> volume.hasNonNull(s)).toList();
            if (sources.isEmpty()) {
                problems.error(path, "must specify a volume source, such as hostPath or emptyDir");
            } else if (sources.size() > 1) {
                problems.error(path + "." + sources.get(1), "may not specify more than one volume source, got "
                        + String.join(" and ", sources));
            }
            if (volume.hasNonNull("hostPath")) {
                validateHostPath(volume.get("hostPath"), path + ".hostPath");
            }
            if (volume.hasNonNull("emptyDir")) {
                validateEmptyDir(volume.get("emptyDir"), path + ".emptyDir");
            }
            if (volume.hasNonNull("downwardAPI")) {
                downwardApi.checkVolume(volume.get("downwardAPI"), path + ".downwardAPI");
            }
        }
        return names;
    }

    private void validateHostPath(JsonNode hostPath, String path) {
        String dir = text(hostPath, "path");
        if (dir == null || dir.isEmpty()) {
            problems.error(path + ".path", "required");
        } else if (!dir.startsWith("/")) {
            problems.error(path + ".path", Names.invalid(dir) + ": must be an absolute path");
        } else if (List.of(dir.split("/")).contains("..")) {
            problems.error(path + ".path", Names.invalid(dir) + ": must not contain '..'");
        }
        String type = text(hostPath, "type");
        if (type != null && !HOST_PATH_TYPES.contains(type)) {
            problems.error(path + ".type", unsupported(type, HOST_PATH_TYPES.subList(1, HOST_PATH_TYPES.size()))
                    + " (or empty)");
        }
    }

    private void validateEmptyDir(JsonNode emptyDir, String path) {
        String medium = text(emptyDir, "medium");
        if (medium != null && !medium.isEmpty() && !medium.equals("Memory") && !medium.equals("HugePages")
                && !medium.startsWith("HugePages-")) {
            problems.error(path + ".medium", unsupported(medium, STORAGE_MEDIA) + " (or empty: the node's disk)");
        }
        var size = ResourceRules.quantity(emptyDir.get("sizeLimit"));
        if (size != null && size.signum() < 0) {
            problems.error(path + ".sizeLimit", "must be greater than or equal to 0, got " + size.text());
        }
    }

    private void check(String path, String problem) {
        if (problem != null) {
            problems.error(path, problem);
        }
    }

    /** The list at {@code parent.field}, or an empty node when it is absent or not a list (the schema said so). */
    static JsonNode list(JsonNode parent, String field) {
        JsonNode n = parent.path(field);
        return n.isArray() ? n : MissingNode.getInstance();
    }

    /** The text of a string field, or null when it is absent or not a string. */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        return n != null && n.isTextual() ? n.asText() : null;
    }

    /** {@code unsupported value "Sometimes": must be Always, OnFailure or Never} */
    static String unsupported(String value, List<String> valid) {
        String list = valid.size() == 1 ? valid.get(0)
                : String.join(", ", valid.subList(0, valid.size() - 1)) + " or " + valid.get(valid.size() - 1);
        return "unsupported value " + Names.quote(value) + ": must be " + list;
    }

    /** Remembers the first place of each value, to say where a duplicate was first seen. */
    static final class FirstSeen {
        private final Map<String, String> first = new HashMap<>();

        /** null when {@code value} is new, else the path where it was first seen. */
        String seen(String value, String path) {
            return first.putIfAbsent(value, path);
        }
    }
}
