package io.staticpod.manifest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.staticpod.manifest.model.Container;
import io.staticpod.manifest.model.ContainerPort;
import io.staticpod.manifest.model.EnvVar;
import io.staticpod.manifest.model.ImagePullPolicy;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.staticpod.manifest.TestManifests.FILE;
import static io.staticpod.manifest.TestManifests.MINIMAL;
import static io.staticpod.manifest.TestManifests.NODE;
import static io.staticpod.manifest.TestManifests.parse;
import static io.staticpod.manifest.TestManifests.parsed;
import static org.assertj.core.api.Assertions.assertThat;

/** The UID and container hash: stable under formatting, changed by any value, node or path. */
class PodIdentityTest {

    private static String uid(String manifest) {
        return parsed(manifest).uid();
    }

    @Test
    void commentsWhitespaceAndKeyOrderDoNotChangeTheUid() {
        String reformatted = """
                # a comment
                kind:   Pod
                apiVersion: "v1"   # quoted, same value
                spec:
                    containers:
                        -   image: 'busybox:1.36'
                            name: app


                metadata: {name: web}
                """;
        assertThat(uid(reformatted)).isEqualTo(uid(MINIMAL));
    }

    @Test
    void writingOutADefaultDoesNotChangeTheUid() {
        String explicit = MINIMAL.replace("  name: web", "  name: web\n  namespace: default")
                + "    imagePullPolicy: IfNotPresent\n  restartPolicy: Always\n  terminationGracePeriodSeconds: 30\n";
        assertThat(uid(explicit)).isEqualTo(uid(MINIMAL));
    }

    @Test
    void anyValueChangeChangesTheUid() {
        String base = uid(MINIMAL);
        assertThat(uid(MINIMAL.replace("busybox:1.36", "busybox:1.37"))).isNotEqualTo(base);
        assertThat(uid(MINIMAL.replace("  name: web", "  name: web\n  labels: {a: b}"))).isNotEqualTo(base);
        assertThat(uid(MINIMAL.replace("  name: web", "  name: web\n  annotations: {bump: \"2\"}")))
                .isNotEqualTo(base);
        assertThat(uid(MINIMAL + "    args: [\"1\"]\n")).isNotEqualTo(uid(MINIMAL + "    args: [\"2\"]\n"));
    }

    @Test
    void theNodeAndTheFileChangeTheUid() {
        String base = parsed(MINIMAL).uid();
        ParseResult otherNode = parse(MINIMAL, "node-2", FILE);
        ParseResult otherFile = parse(MINIMAL, NODE, Path.of("/etc/kubernetes/manifests/copy.yaml"));
        assertThat(((ParseResult.Parsed) otherNode).pod().uid()).isNotEqualTo(base);
        assertThat(((ParseResult.Parsed) otherFile).pod().uid()).isNotEqualTo(base);
    }

    @Test
    void theFilePathIsNormalizedBeforeHashing() {
        ParseResult dotted = parse(MINIMAL, NODE, Path.of("/etc/kubernetes/./manifests/../manifests/test.yaml"));
        assertThat(((ParseResult.Parsed) dotted).pod().uid()).isEqualTo(uid(MINIMAL));
    }

    @Test
    void theUidIsTheDocumentedMd5() throws Exception {
        // the contract written out by hand: canonical JSON of the defaulted pod, then host:, then file:
        String canonical = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":"
                + "\"default\"},\"spec\":{\"containers\":[{\"image\":\"busybox:1.36\",\"imagePullPolicy\":"
                + "\"IfNotPresent\",\"name\":\"app\"}],\"restartPolicy\":\"Always\","
                + "\"terminationGracePeriodSeconds\":30}}";
        byte[] md5 = java.security.MessageDigest.getInstance("MD5")
                .digest((canonical + "host:node-1file:" + FILE).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(uid(MINIMAL)).isEqualTo(java.util.HexFormat.of().formatHex(md5));
    }

    @Test
    void aPinnedUidIsUsedAsIs() {
        StaticPod pod = parsed(MINIMAL.replace("  name: web", "  name: web\n  uid: fixed-uid-1"));
        assertThat(pod.uid()).isEqualTo("fixed-uid-1");
        assertThat(pod.pod().metadata().annotations()).containsEntry(WellKnown.CONFIG_HASH, "fixed-uid-1");
    }

    @Test
    void canonicalJsonSortsKeysRecursivelyAndEscapesControlCharacters() throws Exception {
        var tree = new ObjectMapper().readTree("{\"b\": [ {\"z\": 1, \"a\": 2.50} ], \"a\": \"x\\n\\u0001\u00e9\", "
                + "\"c\": null, \"d\": true}");
        assertThat(PodIdentity.canonicalJson(tree))
                .isEqualTo("{\"a\":\"x\\n\\u0001\u00e9\",\"b\":[{\"a\":2.5,\"z\":1}],\"c\":null,\"d\":true}");
    }

    @Test
    void theContainerHashIsStableAndSensitiveToTheSpec() {
        Container c = container("1");
        assertThat(PodIdentity.containerHash(c)).matches("[0-9a-f]{16}").isEqualTo(PodIdentity.containerHash(container("1")))
                .isNotEqualTo(PodIdentity.containerHash(container("2")));
        // pinned, like the pod UIDs: a change here changes the label on every container after an upgrade
        assertThat(PodIdentity.containerHash(c)).isEqualTo(GOLDEN_CONTAINER_HASH);
    }

    @Test
    void theContainerHashIsTheDocumentedSha256() throws Exception {
        // the contract written out by hand: every hashed field, defaults applied, keys sorted
        String canonical = "{\"args\":null,\"command\":[\"sh\"],\"env\":[{\"name\":\"A\",\"value\":\"1\","
                + "\"valueFrom\":null}],\"image\":\"busybox:1.36\",\"imagePullPolicy\":\"IfNotPresent\","
                + "\"livenessProbe\":null,\"name\":\"app\",\"ports\":[{\"containerPort\":80,\"hostIP\":null,"
                + "\"hostPort\":0,\"name\":\"http\",\"protocol\":\"TCP\"}],\"readinessProbe\":null,"
                + "\"resources\":{\"limits\":{},\"requests\":{}},\"securityContext\":{\"allowPrivilegeEscalation\":true,"
                + "\"capabilities\":{\"add\":[],\"drop\":[]},\"privileged\":false,\"readOnlyRootFilesystem\":false,"
                + "\"runAsGroup\":null,\"runAsNonRoot\":false,\"runAsUser\":null,\"seccompProfile\":"
                + "{\"localhostProfile\":null,\"type\":\"Unconfined\"},\"supplementalGroups\":[]},"
                + "\"startupProbe\":null,\"terminationMessagePath\":\"/dev/termination-log\","
                + "\"terminationMessagePolicy\":\"File\",\"volumeMounts\":[],\"workingDir\":null}";
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
                .digest(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(PodIdentity.containerHash(container("1")))
                .isEqualTo(java.util.HexFormat.of().formatHex(sha).substring(0, 16));
    }

    @Test
    void theFirstModelsConstructorsBuildTheSameContainer() {
        @SuppressWarnings("deprecation")
        Container legacy = new Container("app", "busybox:1.36", List.of("sh"), null, null,
                List.of(new EnvVar("A", "1")), List.of(new ContainerPort("http", 80, 0, null, "TCP")), List.of(),
                ImagePullPolicy.IfNotPresent);
        assertThat(legacy).isEqualTo(container("1"));
    }

    private static Container container(String envValue) {
        return Container.builder("app", "busybox:1.36").command(List.of("sh")).env(List.of(new EnvVar("A", envValue)))
                .ports(List.of(new ContainerPort("http", 80, 0, null, "TCP"))).imagePullPolicy(ImagePullPolicy.IfNotPresent)
                .build();
    }

    @Test
    void containersParsedFromReformattedManifestsHashAlike() {
        Container a = parsed(MINIMAL).pod().spec().containers().get(0);
        Container b = parsed(MINIMAL.replace("    image: busybox:1.36", "    image: \"busybox:1.36\"  # same")).pod()
                .spec().containers().get(0);
        assertThat(PodIdentity.containerHash(a)).isEqualTo(PodIdentity.containerHash(b));
    }

    private static final String GOLDEN_CONTAINER_HASH = "60847653cf25ad7f";
}
