import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Start-path latency only, both API clients in one JVM, taking turns chain by chain, so that the machine's load
 * (shared, and busy) weighs on both alike. RSS and CPU are OursProbe's and DockerJavaProbe's, one client per JVM.
 */
public final class PairedProbe {
    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int chains = Integer.parseInt(args[1]);
        Chains.Client ours = OursProbe.client();
        Chains.Client dockerJava = DockerJavaProbe.client();
        String run = Long.toHexString(System.nanoTime());
        for (int i = 0; i < warmup; i++) {
            ours.remove(ours.start("probe-" + run + "-ow" + i));
            dockerJava.remove(dockerJava.start("probe-" + run + "-dw" + i));
        }
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < chains; i++) {
            boolean oursFirst = i % 2 == 0;
            for (int k = 0; k < 2; k++) {
                boolean useOurs = (k == 0) == oursFirst;
                Chains.Client client = useOurs ? ours : dockerJava;
                long t0 = System.nanoTime();
                String[] ids = client.start("probe-" + run + (useOurs ? "-o" : "-d") + i);
                (useOurs ? a : b).add((System.nanoTime() - t0) / 1e6);
                client.remove(ids);
            }
        }
        Collections.sort(a);
        Collections.sort(b);
        System.out.printf("paired chains=%d httpclient5+UnixSocket median_ms=%.1f p90_ms=%.1f"
                        + " docker-java+httpclient5 median_ms=%.1f p90_ms=%.1f%n", chains, a.get(chains / 2),
                a.get(chains * 9 / 10), b.get(chains / 2), b.get(chains * 9 / 10));
    }
}
