import io.staticpod.runtime.docker.api.DockerApiRuntime;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The start path on our adapter: HttpClient 5 on UnixSocket. */
public final class OursProbe {
    public static void main(String[] args) throws Exception {
        Chains.run("httpclient5+UnixSocket", client(), Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }

    static Chains.Client client() {
        DockerApiRuntime docker = DockerApiRuntime.connect(null, Duration.ofSeconds(30), Chains.PAUSE);
        Map<String, String> labels = Map.of("spa.probe", "docker-client");
        return new Chains.Client() {
            @Override
            public String[] start(String name) {
                SandboxConfig pod = new SandboxConfig(new SandboxMetadata(name, "default", "uid", 0), "probe", null,
                        null, null, labels, null, null, null, false);
                String sandbox = docker.sandboxes().run(pod);
                String app = docker.containers().create(sandbox, ContainerConfig.builder("app", 0, Chains.BUSYBOX)
                        .command(List.of("sh", "-c", Chains.SLEEPER)).labels(labels).build(), pod);
                docker.containers().start(app);
                return new String[]{sandbox, app};
            }

            @Override
            public void remove(String[] ids) {
                docker.sandboxes().remove(ids[0]);
            }

            @Override
            public int relist() {
                var snapshot = docker.snapshot(labels);
                return snapshot.sandboxes().size() + snapshot.containers().size();
            }
        };
    }
}
