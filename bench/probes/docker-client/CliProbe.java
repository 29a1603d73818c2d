import java.util.ArrayList;
import java.util.List;

/** The same start path through the docker CLI, as the old adapter takes it: two `docker run -d`. */
public final class CliProbe {
    public static void main(String[] args) throws Exception {
        Chains.run("docker-cli", new Chains.Client() {
            @Override
            public String[] start(String name) {
                String sandbox = docker("run", "-d", "--name", "k8s_POD_" + name + "_default_uid_0", "--label",
                        "spa.probe=docker-client", "--hostname", "probe", "--ipc", "shareable", "--restart=no",
                        Chains.PAUSE);
                String app = docker("run", "-d", "--name", "k8s_app_" + name + "_default_uid_0", "--label",
                        "spa.probe=docker-client", "--network", "container:" + sandbox, "--ipc",
                        "container:" + sandbox, "--restart=no", "--entrypoint", "sh", Chains.BUSYBOX, "-c",
                        Chains.SLEEPER);
                return new String[]{sandbox, app};
            }

            @Override
            public int relist() {
                // as the old CLI adapter relisted: the ids, then one inspect of them all
                String ids = dockerAll("ps", "-a", "-q", "--no-trunc", "--filter", "label=spa.probe=docker-client");
                List<String> inspect = new ArrayList<>(List.of("inspect", "--type", "container"));
                inspect.addAll(ids.lines().toList());
                dockerAll(inspect.toArray(String[]::new));
                return (int) ids.lines().count();
            }

            @Override
            public void remove(String[] ids) {
                docker("rm", "-f", ids[1], ids[0]);
            }
        }, Integer.parseInt(args[0]), Integer.parseInt(args[1]));
    }

    static String docker(String... words) {
        return dockerAll(words).lines().reduce((a, b) -> b).orElse("");
    }

    static String dockerAll(String... words) {
        List<String> argv = new ArrayList<>(List.of("docker"));
        argv.addAll(List.of(words));
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(argv + ": " + out);
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
