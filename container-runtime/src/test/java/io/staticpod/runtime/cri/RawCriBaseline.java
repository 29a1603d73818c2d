package io.staticpod.runtime.cri;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.staticpod.runtime.cri.proto.RuntimeServiceGrpc;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The raw CRI baselines of the benchmark ({@link RawCriChains}: the CRI calls with nothing of the agent in between:
 * no version check, no leftover handling, no adapter). Three modes, all arguments optional:
 * {@code --endpoint unix:///run/containerd/containerd.sock}, {@code --image static-pod-agent.local/busybox:1.35}
 * (present in the runtime's CRI image store, k8s.io on containerd), {@code --log-root
 * /var/log/static-pod-agent-bench/pods}, {@code --label raw-cri} (the value of the sandboxes' label
 * {@code io.staticpod.bench}), {@code --warmup 1} (chains first, not counted: the JVM's and the runtime's first-call
 * costs).
 * <ul>
 * <li>timed (default): {@code --runs 5 [--host-network]}: the chain timed from the first request to the answer of
 * the last, once per run, the pod removed after each run outside the timing:
 * <pre>
 * raw-cri warmup ms=2916.5
 * raw-cri run=1 ms=812.4
 * raw-cri runs=5 median_ms=640.2 min_ms=611.0 max_ms=812.4
 * </pre></li>
 * <li>{@code --serve}: one JVM for a whole benchmark run (bench/bench.py), which times each step by the runtime's
 * own events; commands on standard input, each after a tag word of the caller's, one answer line each with that
 * tag ({@code raw-cri TAG ok ...} or {@code raw-cri TAG error MESSAGE}), so that an answer a caller stopped waiting
 * for is told from the next; {@code raw-cri ready} once warmed up: {@code run [host]} → {@code SANDBOX CONTAINER};
 * {@code runmany N
 * PARALLEL [host]} → {@code SANDBOX/CONTAINER ...}; {@code recreate SANDBOX} → the new {@code CONTAINER}; {@code
 * stop PARALLEL SANDBOX...}; {@code remove PARALLEL SANDBOX...}; {@code remove-pod NAME} and {@code remove-owned RUN}
 * → how many sandboxes. At the end of the input, every pod it made and did not remove is removed.</li>
 * <li>{@code --remove-owned RUN}: removes the sandboxes of a benchmark run ({@link RawCriChains#removeOwned}).</li>
 * </ul>
 * Run it with {@code bench/raw-cri-baseline [ARGS]}.
 */
public final class RawCriBaseline {
    private RawCriBaseline() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = arg(args, "--endpoint", CriSettings.DEFAULT_ENDPOINT);
        ManagedChannel channel = Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
                .overrideAuthority("localhost").build();
        try (RawCriChains chains = new RawCriChains(RuntimeServiceGrpc.newBlockingStub(channel),
                arg(args, "--image", "static-pod-agent.local/busybox:1.35"),
                Path.of(arg(args, "--log-root", "/var/log/static-pod-agent-bench/pods")),
                arg(args, "--label", "raw-cri"))) {
            boolean hostNetwork = Arrays.asList(args).contains("--host-network");
            int warmups = Integer.parseInt(arg(args, "--warmup", "1"));
            String owned = arg(args, "--remove-owned", null);
            if (owned != null) {
                System.out.printf("raw-cri removed=%d%n", chains.removeOwned(owned));
                return;
            }
            for (int i = 0; i < warmups; i++) {
                long start = System.nanoTime();
                chains.remove(chains.run(hostNetwork).sandboxId());
                System.out.printf("raw-cri warmup ms=%.1f%n", (System.nanoTime() - start) / 1e6);
            }
            if (Arrays.asList(args).contains("--serve")) {
                serve(chains);
            } else {
                timed(chains, Integer.parseInt(arg(args, "--runs", "5")), hostNetwork);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void timed(RawCriChains chains, int runs, boolean hostNetwork) {
        List<Double> millis = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            long start = System.nanoTime();
            RawCriChains.Pod pod = chains.run(hostNetwork);
            double ms = (System.nanoTime() - start) / 1e6;
            millis.add(ms);
            System.out.printf("raw-cri run=%d ms=%.1f%n", run, ms);
            chains.remove(pod.sandboxId());
        }
        List<Double> sorted = millis.stream().sorted().toList();
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        System.out.printf("raw-cri runs=%d median_ms=%.1f min_ms=%.1f max_ms=%.1f%n", runs, median,
                sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static void serve(RawCriChains chains) throws Exception {
        System.out.println("raw-cri ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] tagged = line.trim().split("\\s+");
            if (tagged.length < 2) {
                continue;
            }
            String answer = "raw-cri " + tagged[0];
            try {
                answer += " ok " + command(chains, Arrays.copyOfRange(tagged, 1, tagged.length));
            } catch (Exception e) {
                answer += " error " + String.valueOf(e).replace('\n', ' ');
            }
            System.out.println(answer.trim());
            System.out.flush();
        }
    }

    private static String command(RawCriChains chains, String[] w) throws Exception {
        boolean host = w[w.length - 1].equals("host");
        switch (w[0]) {
            case "run":
                RawCriChains.Pod pod = chains.run(host);
                return pod.sandboxId() + " " + pod.app();
            case "runmany":
                return String.join(" ", parallel(Integer.parseInt(w[2]),
                        Collections.nCopies(Integer.parseInt(w[1]), ""),
                        x -> {
                            RawCriChains.Pod p = chains.run(host);
                            return p.sandboxId() + "/" + p.app();
                        }));
            case "recreate":
                return chains.recreate(w[1]);
            case "stop":
                parallel(Integer.parseInt(w[1]), List.of(w).subList(2, w.length), id -> {
                    chains.stop(id);
                    return id;
                });
                return "";
            case "remove":
                parallel(Integer.parseInt(w[1]), List.of(w).subList(2, w.length), id -> {
                    chains.remove(id);
                    return id;
                });
                return "";
            case "remove-pod":
                return String.valueOf(chains.removePod(w[1]));
            case "remove-owned":
                return String.valueOf(chains.removeOwned(w[1]));
            default:
                throw new IllegalArgumentException("unknown command " + w[0]);
        }
    }

    /** fn over the items on {@code threads} threads; the answers in the items' order. */
    private static List<String> parallel(int threads, List<String> items, Function<String, String> fn)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (String item : items) {
                futures.add(pool.submit(() -> fn.apply(item)));
            }
            List<String> out = new ArrayList<>();
            for (Future<String> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
