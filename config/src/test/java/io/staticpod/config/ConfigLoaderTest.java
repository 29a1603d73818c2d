package io.staticpod.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.staticpod.config.AgentConfig.RuntimeKind;
import io.staticpod.config.ConfigLoader.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on its own, and over a config file. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private static AgentConfig run(String... args) throws ConfigException {
        Outcome outcome = ConfigLoader.load(() -> "Node-1", args);
        assertThat(outcome).isInstanceOf(Outcome.Run.class);
        return ((Outcome.Run) outcome).config();
    }

    private static ConfigException failure(String... args) {
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(() -> "node-1", args));
    }

    @Test
    void appliesTheKubeletDefaultsWhenOnlyTheManifestDirectoryIsGiven() throws Exception {
        AgentConfig config = run("--pod-manifest-path", "/etc/kubernetes/manifests");

        assertThat(config.staticPodPath()).isEqualTo(Path.of("/etc/kubernetes/manifests"));
        assertThat(config.fileCheckFrequency()).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.syncFrequency()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.nodeName()).isEqualTo("node-1");
        assertThat(config.runtime()).isEqualTo(RuntimeKind.DOCKER);
        assertThat(config.podInfraContainerImage()).isEqualTo("registry.k8s.io/pause:3.10");
        assertThat(config.rootDir()).isEqualTo(Path.of("/var/lib/static-pod-agent"));
        assertThat(config.healthzBindAddress()).isEqualTo("127.0.0.1");
        assertThat(config.healthzPort()).isEqualTo(10248);
        assertThat(config.kubeconfig()).isNull();
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.ignoredFields()).isEmpty();
    }

    @Test
    void readsEveryFlagInBothSpellings() throws Exception {
        AgentConfig config = run(
                "--pod-manifest-path=/srv/manifests",
                "--hostname-override", "Edge-7.Example.COM",
                "--runtime=containerd",
                "--pod-infra-container-image", "local/pause:1",
                "--root-dir=/srv/agent",
                "--kubeconfig", "/etc/kubernetes/kubelet.conf",
                "--healthz-port=0",
                "--healthz-bind-address", "0.0.0.0",
                "--file-check-frequency", "5s",
                "--sync-frequency=1m30s",
                "--log-level", "debug");

        assertThat(config.staticPodPath()).isEqualTo(Path.of("/srv/manifests"));
        assertThat(config.nodeName()).isEqualTo("edge-7.example.com");
        assertThat(config.runtime()).isEqualTo(RuntimeKind.CONTAINERD);
        assertThat(config.podInfraContainerImage()).isEqualTo("local/pause:1");
        assertThat(config.rootDir()).isEqualTo(Path.of("/srv/agent"));
        assertThat(config.kubeconfig()).isEqualTo(Path.of("/etc/kubernetes/kubelet.conf"));
        assertThat(config.healthzPort()).isZero();
        assertThat(config.healthzBindAddress()).isEqualTo("0.0.0.0");
        assertThat(config.fileCheckFrequency()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.syncFrequency()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void makesRelativePathsAbsolute() throws Exception {
        AgentConfig config = run("--pod-manifest-path", "manifests", "--root-dir", "state", "--kubeconfig", "k.conf");

        Path cwd = Path.of("").toAbsolutePath();
        assertThat(config.staticPodPath()).isEqualTo(cwd.resolve("manifests"));
        assertThat(config.rootDir()).isEqualTo(cwd.resolve("state"));
        assertThat(config.kubeconfig()).isEqualTo(cwd.resolve("k.conf"));
    }

    @Test
    void mapsKubeletVerbosityToLogLevels() throws Exception {
        assertThat(run("--pod-manifest-path=/m", "--v=0").logLevel()).isEqualTo("INFO");
        assertThat(run("--pod-manifest-path=/m", "--v", "2").logLevel()).isEqualTo("INFO");
        assertThat(run("--pod-manifest-path=/m", "--v=3").logLevel()).isEqualTo("DEBUG");
        assertThat(run("--pod-manifest-path=/m", "-v", "4").logLevel()).isEqualTo("DEBUG");
        assertThat(run("--pod-manifest-path=/m", "--v=5").logLevel()).isEqualTo("TRACE");
        assertThat(run("--pod-manifest-path=/m", "--v=10").logLevel()).isEqualTo("TRACE");
    }

    @Test
    void letsLogLevelWinOverVerbosity() throws Exception {
        assertThat(run("--pod-manifest-path=/m", "--v=5", "--log-level=WARN").logLevel()).isEqualTo("WARN");
    }

    @Test
    void letsTheLastOfARepeatedFlagWinAsTheKubeletDoes() throws Exception {
        assertThat(run("--pod-manifest-path=/a", "--pod-manifest-path=/b").staticPodPath()).isEqualTo(Path.of("/b"));
    }

    @Test
    void readsNodeLabelsForTheNodeObject() throws Exception {
        AgentConfig config = run("--pod-manifest-path=/m", "--node-labels", "role=edge,zone=a");

        assertThat(config.nodeLabels()).isEqualTo(java.util.Map.of("role", "edge", "zone", "a"));
        assertThat(config.ignoredFields()).isEmpty();
    }

    @Test
    void acceptsTheFlagsKubeadmPassesAndListsTheUnusedAsIgnored() throws Exception {
        AgentConfig config = run("--pod-manifest-path=/m",
                "--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf",
                "--kubeconfig=/etc/kubernetes/kubelet.conf",
                "--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock",
                "--pod-infra-container-image=registry.k8s.io/pause:3.9");

        assertThat(config.ignoredFields()).containsExactly("--bootstrap-kubeconfig");
        assertThat(config.runtimeEndpoint()).isEqualTo("unix:///var/run/containerd/containerd.sock");
        assertThat(config.podInfraContainerImage()).isEqualTo("registry.k8s.io/pause:3.9");
    }

    @Test
    void everyRuntimeHasItsFlagNameAndDefaultEndpointAndTheDockerCliDefaultsToThePath() throws Exception {
        assertThat(run("--pod-manifest-path=/m").runtime()).isEqualTo(RuntimeKind.DOCKER);
        assertThat(run("--pod-manifest-path=/m").effectiveRuntimeEndpoint()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(run("--pod-manifest-path=/m").dockerCli()).isEqualTo("docker");
        assertThat(run("--pod-manifest-path=/m", "--runtime", "docker-cli").runtime())
                .isEqualTo(RuntimeKind.DOCKER_CLI);
        AgentConfig ctr = run("--pod-manifest-path=/m", "--runtime=ctr");
        assertThat(ctr.runtime()).isEqualTo(RuntimeKind.CTR);
        assertThat(ctr.effectiveRuntimeEndpoint()).isEqualTo("unix:///run/containerd/containerd.sock");
        assertThat(run("--pod-manifest-path=/m", "--runtime=cri").runtime()).isEqualTo(RuntimeKind.CRI);
        assertThat(run("--pod-manifest-path=/m", "--runtime=containerd", "--container-runtime-endpoint",
                "/run/k3s/containerd.sock").effectiveRuntimeEndpoint()).isEqualTo("unix:///run/k3s/containerd.sock");
    }

    @Test
    void anEndpointFlagThatIsNotAUnixSocketIsAnError() {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> run("--pod-manifest-path=/m", "--container-runtime-endpoint", "npipe:////./pipe/docker"));

        assertThat(e.errors()).containsExactly("--container-runtime-endpoint: \"npipe:////./pipe/docker\" is not a"
                + " UNIX socket; use unix:///path/to/the.sock (such as unix:///var/run/docker.sock or"
                + " unix:///run/containerd/containerd.sock)");
    }

    @Test
    void takesTheNodeNameFromTheHostLowercased() throws Exception {
        assertThat(run("--pod-manifest-path=/m").nodeName()).isEqualTo("node-1");
    }

    @Test
    void findsTheRealHostName() {
        assertThat(HostNames.local()).isNotBlank();
    }

    @Test
    void requiresAStaticPodPath() {
        assertThat(failure("--runtime", "docker").errors()).containsExactly(
                "no static pod path: set staticPodPath in --config FILE or pass --pod-manifest-path DIR");
    }

    @Test
    void namesTheNearestFlagForAnUnknownOne() {
        assertThat(failure("--pod-manifest-pth", "/etc/kubernetes/manifests").errors())
                .containsExactly("unknown flag --pod-manifest-pth; did you mean --pod-manifest-path?",
                        "no static pod path: set staticPodPath in --config FILE or pass --pod-manifest-path DIR");
        assertThat(failure("--pod-manifest-path=/m", "--hostname-overide=x").errors())
                .containsExactly("unknown flag --hostname-overide; did you mean --hostname-override?");
    }

    @Test
    void pointsToHelpForAnUnknownFlagWithNoNearName() {
        assertThat(failure("--pod-manifest-path=/m", "--enable-everything").errors())
                .containsExactly("unknown flag --enable-everything; run static-pod-agent --help for the flags");
    }

    @Test
    void rejectsPositionalArguments() {
        assertThat(failure("--pod-manifest-path=/m", "/etc/kubernetes/manifests").errors())
                .singleElement().asString().contains("unexpected argument \"/etc/kubernetes/manifests\"");
    }

    @Test
    void reportsEveryBadFlagValueAtOnce() {
        ConfigException e = failure(
                "--hostname-override", "not_a_node!",
                "--runtime", "podman",
                "--healthz-port", "70000",
                "--healthz-bind-address", "localhost",
                "--file-check-frequency", "20",
                "--sync-frequency", "0s",
                "--v", "loud",
                "--log-level", "chatty",
                "--node-labels", "novalue");

        assertThat(e.errors()).hasSize(10);
        assertThat(e.errors()).anySatisfy(m -> assertThat(m).startsWith("--hostname-override:")
                        .contains("DNS-1123 subdomain"))
                .anySatisfy(m -> assertThat(m).startsWith("--runtime:").contains("docker-cli, ctr, containerd or cri"))
                .anySatisfy(m -> assertThat(m).startsWith("--healthz-port:").contains("0-65535"))
                .anySatisfy(m -> assertThat(m).startsWith("--healthz-bind-address:").contains("not an IP address"))
                .anySatisfy(m -> assertThat(m).startsWith("--file-check-frequency:")
                        .contains("use a Go duration such as 20s"))
                .anySatisfy(m -> assertThat(m).startsWith("--sync-frequency:").contains("greater than 0"))
                .anySatisfy(m -> assertThat(m).startsWith("--v:").contains("3-4 DEBUG"))
                .anySatisfy(m -> assertThat(m).startsWith("--node-labels:").contains("key=value"))
                .anySatisfy(m -> assertThat(m).startsWith("--log-level:").contains("ERROR, WARN, INFO, DEBUG or TRACE"))
                .anySatisfy(m -> assertThat(m).startsWith("no static pod path"));
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors()));
    }

    @Test
    void reportsAFlagWithoutItsValue() {
        assertThat(failure("--pod-manifest-path").errors()).singleElement().asString()
                .contains("--pod-manifest-path").contains("--help");
    }

    @Test
    void failsWhenTheHostNameIsNotAValidNodeName() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(() -> "my_laptop", "--pod-manifest-path=/m"));
        assertThat(e.errors()).singleElement().asString().contains("\"my_laptop\"").contains("--hostname-override");
    }

    @Test
    void takesAnArgumentStartingWithAtAsAValueNotAFileOfArguments() throws Exception {
        assertThat(run("--pod-manifest-path", "@manifests").staticPodPath())
                .isEqualTo(Path.of("").toAbsolutePath().resolve("@manifests"));
    }

    @Test
    void acceptsIpv6BindAddresses() throws Exception {
        assertThat(run("--pod-manifest-path=/m", "--healthz-bind-address=::").healthzBindAddress()).isEqualTo("::");
        assertThat(run("--pod-manifest-path=/m", "--healthz-bind-address=::1").healthzBindAddress()).isEqualTo("::1");
    }

    @Test
    void printsUsageForHelp() throws Exception {
        Outcome outcome = ConfigLoader.load("--help");

        assertThat(outcome).isInstanceOf(Outcome.Help.class);
        String usage = ((Outcome.Help) outcome).usage();
        assertThat(usage).startsWith("Usage: static-pod-agent")
                .contains("static pods in a manifest directory the way the kubelet does");
        for (String flag : new String[] {"--config", "--pod-manifest-path", "--hostname-override", "--runtime",
                "--pod-infra-container-image", "--root-dir", "--kubeconfig", "--v", "--log-level", "--healthz-port",
                "--healthz-bind-address", "--file-check-frequency", "--sync-frequency", "--node-labels",
                "--container-runtime-endpoint", "--bootstrap-kubeconfig", "--help", "--version"}) {
            assertThat(usage).containsPattern("(?m)^\\s+(-\\w, )?" + java.util.regex.Pattern.quote(flag) + "[ =,]");
        }
    }

    @Test
    void printsHelpEvenWithOtherFlags() throws Exception {
        assertThat(ConfigLoader.load("--pod-manifest-pth=/x", "-h")).isInstanceOf(Outcome.Help.class);
    }

    @Test
    void printsTheVersionFromTheMavenBuild() throws Exception {
        Outcome outcome = ConfigLoader.load("--version");

        assertThat(outcome).isInstanceOf(Outcome.Version.class);
        assertThat(((Outcome.Version) outcome).version()).matches("static-pod-agent \\d+\\.\\d+\\.\\d+.*")
                .isEqualTo("static-pod-agent " + ConfigLoader.version());
    }

    @Test
    void letsFlagsWinOverTheFile() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /etc/kubernetes/manifests
                fileCheckFrequency: 40s
                syncFrequency: 2m
                healthzBindAddress: 0.0.0.0
                healthzPort: 10300
                staticPodAgent:
                  runtime: containerd
                  podInfraContainerImage: file/pause:1
                  rootDir: /var/lib/from-file
                  logLevel: TRACE
                """);

        AgentConfig fromFile = run("--config", file.toString());
        AgentConfig overridden = run("--config=" + file, "--pod-manifest-path=/srv/m", "--file-check-frequency=1s",
                "--sync-frequency=3s", "--healthz-bind-address=127.0.0.2", "--healthz-port=1", "--runtime=docker",
                "--pod-infra-container-image=flag/pause:2", "--root-dir=/srv/state", "--v=0");

        assertThat(fromFile).isEqualTo(new AgentConfig(Path.of("/etc/kubernetes/manifests"), Duration.ofSeconds(40),
                Duration.ofMinutes(2), "node-1", RuntimeKind.CONTAINERD, "file/pause:1", Path.of("/var/lib/from-file"),
                "0.0.0.0", 10300, null, "TRACE", java.util.List.of()));
        assertThat(overridden).isEqualTo(new AgentConfig(Path.of("/srv/m"), Duration.ofSeconds(1),
                Duration.ofSeconds(3), "node-1", RuntimeKind.DOCKER, "flag/pause:2", Path.of("/srv/state"),
                "127.0.0.2", 1, null, "INFO", java.util.List.of()));
    }

    @Test
    void reportsFlagAndFileErrorsTogether() throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                healthzPort: abc
                """);

        assertThatThrownBy(() -> ConfigLoader.load(() -> "n", "--config", file.toString(), "--runtime=rkt"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).hasSize(3)
                        .anySatisfy(m -> assertThat(m).contains("healthzPort"))
                        .anySatisfy(m -> assertThat(m).startsWith("--runtime:"))
                        .anySatisfy(m -> assertThat(m).startsWith("no static pod path")));
    }

    @Test
    void strictManifestPermissionsIsOffByDefaultAndSetByTheSectionOrTheFlag() throws Exception {
        assertThat(run("--pod-manifest-path=/m").strictManifestPermissions()).isFalse();
        assertThat(run("--pod-manifest-path=/m", "--strict-manifest-permissions").strictManifestPermissions()).isTrue();
        assertThat(run("--pod-manifest-path=/m", "--strict-manifest-permissions=false").strictManifestPermissions())
                .isFalse();

        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /etc/kubernetes/manifests
                staticPodAgent:
                  strictManifestPermissions: true
                """);
        assertThat(run("--config", file.toString()).strictManifestPermissions()).isTrue();
        // the flag wins over the file, as every flag does
        assertThat(run("--config", file.toString(), "--strict-manifest-permissions=false").strictManifestPermissions())
                .isFalse();

        Files.writeString(file, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /etc/kubernetes/manifests
                staticPodAgent:
                  strictManifestPermissions: sometimes
                """);
        assertThat(failure("--config", file.toString(), "--strict-manifest-permissions=maybe").errors())
                .containsExactlyInAnyOrder(
                        file + ": staticPodAgent.strictManifestPermissions: \"sometimes\" is not a boolean; use true or false",
                        "--strict-manifest-permissions: \"maybe\" is not a boolean; use true or false");
    }

    @Test
    void theHealthAndMetricsEndpointListensOnLoopbackUnlessToldOtherwise() throws Exception {
        // the endpoint serves /healthz, /metrics and /pods without authentication: local by default, as the kubelet's
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, """
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                staticPodPath: /etc/kubernetes/manifests
                healthzPort: 10300
                """);
        assertThat(run("--config", file.toString()).healthzBindAddress()).isEqualTo("127.0.0.1");
        assertThat(run("--pod-manifest-path=/m").healthzBindAddress()).isEqualTo("127.0.0.1");
        assertThat(java.net.InetAddress.getByName(ConfigLoader.DEFAULT_HEALTHZ_BIND_ADDRESS).isLoopbackAddress())
                .isTrue();
    }
}
