import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

import java.time.Duration;
import java.util.Map;

/** The same start path on docker-java 3.7.1 with its httpclient5 transport, the same requests as our adapter. */
public final class DockerJavaProbe {
    public static void main(String[] args) throws Exception {
        Chains.run("docker-java+httpclient5", client(), Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }

    static Chains.Client client() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost("unix:///var/run/docker.sock").withApiVersion("1.41").build();
        DockerClient docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).maxConnections(32).connectionTimeout(Duration.ofSeconds(30))
                .responseTimeout(Duration.ofSeconds(30)).build());
        Map<String, String> labels = Map.of("spa.probe", "docker-client");
        return new Chains.Client() {
            @Override
            public String[] start(String name) {
                String sandbox = docker.createContainerCmd(Chains.PAUSE).withName("k8s_POD_" + name + "_default_uid_0")
                        .withLabels(labels).withHostName("probe").withHostConfig(HostConfig.newHostConfig()
                                .withNetworkMode("default").withIpcMode("shareable")
                                .withRestartPolicy(RestartPolicy.noRestart())).exec().getId();
                docker.startContainerCmd(sandbox).exec();
                docker.inspectContainerCmd(sandbox).exec(); // as our adapter checks the sandbox before a create
                String app = docker.createContainerCmd(Chains.BUSYBOX).withName("k8s_app_" + name + "_default_uid_0")
                        .withEntrypoint("sh", "-c", Chains.SLEEPER).withLabels(labels)
                        .withHostConfig(HostConfig.newHostConfig().withNetworkMode("container:" + sandbox)
                                .withIpcMode("container:" + sandbox).withRestartPolicy(RestartPolicy.noRestart()))
                        .exec().getId();
                docker.startContainerCmd(app).exec();
                return new String[]{sandbox, app};
            }

            @Override
            public int relist() {
                return docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().size();
            }

            @Override
            public void remove(String[] ids) {
                docker.removeContainerCmd(ids[1]).withForce(true).exec();
                docker.removeContainerCmd(ids[0]).withForce(true).exec();
            }
        };
    }
}
