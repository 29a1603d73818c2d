package io.staticpod.manifest;

import io.staticpod.manifest.FieldType.ListOf;
import io.staticpod.manifest.FieldType.MapOf;
import io.staticpod.manifest.FieldType.Obj;

import static io.staticpod.manifest.FieldType.Scalar.ANY;
import static io.staticpod.manifest.FieldType.Scalar.ANY_OBJECT;
import static io.staticpod.manifest.FieldType.Scalar.BOOL;
import static io.staticpod.manifest.FieldType.Scalar.INT;
import static io.staticpod.manifest.FieldType.Scalar.INT_OR_STRING;
import static io.staticpod.manifest.FieldType.Scalar.QUANTITY;
import static io.staticpod.manifest.FieldType.Scalar.STRING;

/**
 * The field names and types of the Kubernetes v1 Pod, from the API reference (v1.34). Every field of the API is
 * listed, acted on or not, so that only names that are truly not in the API are warned about. Objects we never
 * look into (affinity, topology spread constraints, …) are {@code ANY_OBJECT}: their type is checked, their fields
 * are not.
 */
final class PodSchema {
    private PodSchema() {
    }

    private static final ListOf STRINGS = new ListOf(STRING);
    private static final MapOf STRING_MAP = new MapOf(STRING);
    private static final ListOf OPAQUE_LIST = new ListOf(ANY_OBJECT);

    static final Obj OBJECT_META = Obj.of("ObjectMeta",
            "name", STRING, "generateName", STRING, "namespace", STRING, "selfLink", STRING, "uid", STRING,
            "resourceVersion", STRING, "generation", INT, "creationTimestamp", STRING,
            "deletionTimestamp", STRING, "deletionGracePeriodSeconds", INT,
            "labels", STRING_MAP, "annotations", STRING_MAP,
            "ownerReferences", OPAQUE_LIST, "finalizers", STRINGS, "managedFields", OPAQUE_LIST);

    private static final Obj KEY_REF = Obj.of("KeySelector", "name", STRING, "key", STRING, "optional", BOOL);
    private static final Obj FIELD_REF = Obj.of("ObjectFieldSelector", "apiVersion", STRING, "fieldPath", STRING);
    private static final Obj RESOURCE_FIELD_REF = Obj.of("ResourceFieldSelector",
            "containerName", STRING, "resource", STRING, "divisor", QUANTITY);
    private static final Obj ENV_VAR_SOURCE = Obj.of("EnvVarSource",
            "fieldRef", FIELD_REF, "resourceFieldRef", RESOURCE_FIELD_REF,
            "configMapKeyRef", KEY_REF, "secretKeyRef", KEY_REF, "fileKeyRef", ANY_OBJECT);
    private static final Obj ENV_VAR = Obj.of("EnvVar", "name", STRING, "value", STRING, "valueFrom", ENV_VAR_SOURCE);
    private static final Obj NAME_REF = Obj.of("LocalObjectReference", "name", STRING, "optional", BOOL);
    private static final Obj ENV_FROM = Obj.of("EnvFromSource",
            "prefix", STRING, "configMapRef", NAME_REF, "secretRef", NAME_REF);
    private static final Obj CONTAINER_PORT = Obj.of("ContainerPort",
            "name", STRING, "hostPort", INT, "containerPort", INT, "protocol", STRING, "hostIP", STRING);
    private static final Obj VOLUME_MOUNT = Obj.of("VolumeMount",
            "name", STRING, "readOnly", BOOL, "recursiveReadOnly", STRING, "mountPath", STRING, "subPath", STRING,
            "mountPropagation", STRING, "subPathExpr", STRING);
    private static final Obj RESOURCES = Obj.of("ResourceRequirements",
            "limits", new MapOf(QUANTITY), "requests", new MapOf(QUANTITY), "claims", OPAQUE_LIST);

    private static final Obj EXEC = Obj.of("ExecAction", "command", STRINGS);
    private static final Obj HTTP_GET = Obj.of("HTTPGetAction",
            "path", STRING, "port", INT_OR_STRING, "host", STRING, "scheme", STRING,
            "httpHeaders", new ListOf(Obj.of("HTTPHeader", "name", STRING, "value", STRING)));
    private static final Obj TCP_SOCKET = Obj.of("TCPSocketAction", "port", INT_OR_STRING, "host", STRING);
    private static final Obj PROBE = Obj.of("Probe",
            "exec", EXEC, "httpGet", HTTP_GET, "tcpSocket", TCP_SOCKET,
            "grpc", Obj.of("GRPCAction", "port", INT, "service", STRING),
            "initialDelaySeconds", INT, "timeoutSeconds", INT, "periodSeconds", INT, "successThreshold", INT,
            "failureThreshold", INT, "terminationGracePeriodSeconds", INT);
    private static final Obj HANDLER = Obj.of("LifecycleHandler",
            "exec", EXEC, "httpGet", HTTP_GET, "tcpSocket", TCP_SOCKET, "sleep", Obj.of("SleepAction", "seconds", INT));
    private static final Obj LIFECYCLE = Obj.of("Lifecycle", "postStart", HANDLER, "preStop", HANDLER,
            "stopSignal", STRING);

    private static final Obj SECCOMP_PROFILE = Obj.of("SeccompProfile", "type", STRING, "localhostProfile", STRING);
    private static final Obj APP_ARMOR_PROFILE = Obj.of("AppArmorProfile", "type", STRING, "localhostProfile", STRING);
    private static final Obj SE_LINUX_OPTIONS = Obj.of("SELinuxOptions",
            "user", STRING, "role", STRING, "type", STRING, "level", STRING);
    private static final Obj WINDOWS_OPTIONS = Obj.of("WindowsSecurityContextOptions",
            "gmsaCredentialSpecName", STRING, "gmsaCredentialSpec", STRING, "runAsUserName", STRING,
            "hostProcess", BOOL);
    private static final Obj SECURITY_CONTEXT = Obj.of("SecurityContext",
            "capabilities", Obj.of("Capabilities", "add", STRINGS, "drop", STRINGS), "privileged", BOOL,
            "seLinuxOptions", SE_LINUX_OPTIONS, "windowsOptions", WINDOWS_OPTIONS, "runAsUser", INT,
            "runAsGroup", INT, "runAsNonRoot", BOOL, "readOnlyRootFilesystem", BOOL,
            "allowPrivilegeEscalation", BOOL, "procMount", STRING, "seccompProfile", SECCOMP_PROFILE,
            "appArmorProfile", APP_ARMOR_PROFILE);
    private static final Obj POD_SECURITY_CONTEXT = Obj.of("PodSecurityContext",
            "seLinuxOptions", SE_LINUX_OPTIONS, "windowsOptions", WINDOWS_OPTIONS, "runAsUser", INT,
            "runAsGroup", INT, "runAsNonRoot", BOOL, "supplementalGroups", new ListOf(INT),
            "supplementalGroupsPolicy", STRING, "fsGroup", INT,
            "sysctls", new ListOf(Obj.of("Sysctl", "name", STRING, "value", STRING)),
            "fsGroupChangePolicy", STRING, "seccompProfile", SECCOMP_PROFILE, "appArmorProfile", APP_ARMOR_PROFILE,
            "seLinuxChangePolicy", STRING);

    static final Obj CONTAINER = Obj.of("Container",
            "name", STRING, "image", STRING, "command", STRINGS, "args", STRINGS, "workingDir", STRING,
            "ports", new ListOf(CONTAINER_PORT), "envFrom", new ListOf(ENV_FROM), "env", new ListOf(ENV_VAR),
            "resources", RESOURCES, "resizePolicy", OPAQUE_LIST, "volumeMounts", new ListOf(VOLUME_MOUNT),
            "volumeDevices", OPAQUE_LIST, "livenessProbe", PROBE, "readinessProbe", PROBE, "startupProbe", PROBE,
            "lifecycle", LIFECYCLE, "terminationMessagePath", STRING, "terminationMessagePolicy", STRING,
            "imagePullPolicy", STRING, "securityContext", SECURITY_CONTEXT, "stdin", BOOL, "stdinOnce", BOOL,
            "tty", BOOL);
    /** Init containers may set restartPolicy (sidecars); on an app container it is not an API field. */
    static final Obj INIT_CONTAINER = CONTAINER.with("Container",
            "restartPolicy", STRING, "restartPolicyRules", OPAQUE_LIST);

    private static final Obj HOST_PATH = Obj.of("HostPathVolumeSource", "path", STRING, "type", STRING);
    private static final Obj EMPTY_DIR = Obj.of("EmptyDirVolumeSource", "medium", STRING, "sizeLimit", QUANTITY);
    private static final Obj DOWNWARD_API = Obj.of("DownwardAPIVolumeSource",
            "items", new ListOf(Obj.of("DownwardAPIVolumeFile", "path", STRING, "fieldRef", FIELD_REF,
                    "resourceFieldRef", RESOURCE_FIELD_REF, "mode", INT)),
            "defaultMode", INT);

    /** Every volume source of the v1 API; each is a key of a Volume, and exactly one may be set. */
    static final java.util.List<String> VOLUME_SOURCES = java.util.List.of(
            "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
            "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
            "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
            "photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral",
            "image");

    static final Obj VOLUME = volume();

    private static Obj volume() {
        Obj v = Obj.of("Volume", "name", STRING, "hostPath", HOST_PATH, "emptyDir", EMPTY_DIR,
                "downwardAPI", DOWNWARD_API);
        for (String source : VOLUME_SOURCES) {
            if (!v.fields().containsKey(source)) {
                v = v.with("Volume", source, ANY_OBJECT);
            }
        }
        return v;
    }

    private static final Obj TOLERATION = Obj.of("Toleration",
            "key", STRING, "operator", STRING, "value", STRING, "effect", STRING, "tolerationSeconds", INT);

    static final Obj POD_SPEC = Obj.of("PodSpec",
            "volumes", new ListOf(VOLUME), "initContainers", new ListOf(INIT_CONTAINER),
            "containers", new ListOf(CONTAINER), "ephemeralContainers", OPAQUE_LIST,
            "restartPolicy", STRING, "terminationGracePeriodSeconds", INT, "activeDeadlineSeconds", INT,
            "dnsPolicy", STRING, "nodeSelector", STRING_MAP, "serviceAccountName", STRING, "serviceAccount", STRING,
            "automountServiceAccountToken", BOOL, "nodeName", STRING, "hostNetwork", BOOL, "hostPID", BOOL,
            "hostIPC", BOOL, "shareProcessNamespace", BOOL, "securityContext", POD_SECURITY_CONTEXT,
            "imagePullSecrets", new ListOf(Obj.of("LocalObjectReference", "name", STRING)),
            "hostname", STRING, "subdomain", STRING, "affinity", ANY_OBJECT, "schedulerName", STRING,
            "tolerations", new ListOf(TOLERATION),
            "hostAliases", new ListOf(Obj.of("HostAlias", "ip", STRING, "hostnames", STRINGS)),
            "priorityClassName", STRING, "priority", INT,
            "dnsConfig", Obj.of("PodDNSConfig", "nameservers", STRINGS, "searches", STRINGS,
                    "options", new ListOf(Obj.of("PodDNSConfigOption", "name", STRING, "value", STRING))),
            "readinessGates", new ListOf(Obj.of("PodReadinessGate", "conditionType", STRING)),
            "runtimeClassName", STRING, "enableServiceLinks", BOOL, "preemptionPolicy", STRING,
            "overhead", new MapOf(QUANTITY), "topologySpreadConstraints", OPAQUE_LIST, "setHostnameAsFQDN", BOOL,
            "os", Obj.of("PodOS", "name", STRING), "hostUsers", BOOL,
            "schedulingGates", new ListOf(Obj.of("PodSchedulingGate", "name", STRING)),
            "resourceClaims", OPAQUE_LIST, "resources", RESOURCES, "hostnameOverride", STRING);

    static final Obj POD = Obj.of("Pod",
            "apiVersion", STRING, "kind", STRING, "metadata", OBJECT_META, "spec", POD_SPEC, "status", ANY);
}
