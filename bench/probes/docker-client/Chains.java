import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The probe behind docs/benchmarks.md "Docker Engine API client": the start path of a pod (its sandbox run, its
 * container created and started) done N times by one client, timed per chain, with the process's CPU and RSS at the
 * end. One client per JVM, so that RSS is that client's. Run by run.sh.
 */
public final class Chains {
    static final String PAUSE = "static-pod-agent.local/pause:1.0";
    static final String BUSYBOX = "static-pod-agent.local/busybox:1.35";
    static final String SLEEPER = "trap 'exit 0' TERM; sleep 3600 & wait";

    /** One way to start and remove a pod. */
    interface Client {
        /** Runs the sandbox, creates and starts the container; returns both ids. */
        String[] start(String name);

        void remove(String[] ids);

        /** Lists every container of the probe (running or not), labels and state included: the relist. */
        int relist();
    }

    static void run(String label, Client client, int warmup, int chains) throws Exception {
        String run = Long.toHexString(System.nanoTime());
        for (int i = 0; i < warmup; i++) {
            client.remove(client.start("probe-" + run + "-w" + i));
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime() + childrenCpuNanos();
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < chains; i++) {
            long t0 = System.nanoTime();
            String[] ids = client.start("probe-" + run + "-" + i);
            millis.add((System.nanoTime() - t0) / 1e6);
            client.remove(ids);
        }
        long cpu = os.getProcessCpuTime() + childrenCpuNanos() - cpu0;
        Collections.sort(millis);
        // the steady state: 10 pods running, relisted again and again (the agent relists once a second)
        List<String[]> pods = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pods.add(client.start("probe-" + run + "-r" + i));
        }
        for (int i = 0; i < 20; i++) {
            client.relist();
        }
        long relistCpu0 = os.getProcessCpuTime() + childrenCpuNanos();
        long relistT0 = System.nanoTime();
        int relists = 100;
        for (int i = 0; i < relists; i++) {
            if (client.relist() < 20) {
                throw new IllegalStateException("the relist lost containers");
            }
        }
        double relistMs = (System.nanoTime() - relistT0) / 1e6 / relists;
        double relistCpuMs = (os.getProcessCpuTime() + childrenCpuNanos() - relistCpu0) / 1e6 / relists;
        pods.forEach(client::remove);
        System.out.printf("%s chains=%d median_ms=%.1f p90_ms=%.1f cpu_ms_per_chain=%.1f relist_ms=%.1f"
                        + " relist_cpu_ms=%.2f rss_mib=%d threads=%d%n",
                label, chains, millis.get(chains / 2), millis.get(chains * 9 / 10), cpu / 1e6 / chains, relistMs,
                relistCpuMs, status("VmRSS") / 1024, status("Threads"));
    }

    /** CPU of this process's waited-for children (the CLI's docker processes), from /proc/self/stat. */
    static long childrenCpuNanos() throws Exception {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * 10_000_000L; // cutime + cstime, 100 Hz ticks
    }

    static long status(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
