package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.metrics.Cgroups;
import io.staticpod.agent.nodeapi.metrics.ResourceMetrics;
import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceMetricsTest {
    static final String ID_A = "a".repeat(64);
    static final String ID_B = "b".repeat(64);
    static final InstantSource CLOCK = InstantSource.fixed(Instant.ofEpochMilli(1714564800123L));

    @TempDir
    Path dir;

    private static void write(Path file, String content) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    private List<StaticPodView> pods() {
        StaticPod pod = FakePods.staticPod("kube-system", "etcd", "etcd", "backup");
        Instant started = Instant.ofEpochSecond(1714560000);
        return List.of(new StaticPodView(pod, new PodStatus(pod.uid(), PodStatus.Phase.Running, started, null,
                List.of(), List.of(
                new PodStatus.ContainerStatus("etcd", "i", null, "docker://" + ID_A, new PodStatus.Running(started),
                        null, true, true, 0),
                new PodStatus.ContainerStatus("backup", "i", null, "docker://" + ID_B, new PodStatus.Running(started),
                        null, true, true, 0)), null)));
    }

    @Test
    void readsCgroupV1OfDockerContainersWhereverTheyAreAndSumsThePod() throws Exception {
        Path cg = dir.resolve("cgroup");
        write(cg.resolve("memory/memory.usage_in_bytes"), "3000000000\n");
        write(cg.resolve("memory/memory.stat"), "cache 1\ntotal_inactive_file 1000000000\n");
        write(cg.resolve("cpuacct/cpuacct.usage"), "5000000000000\n");
        write(cg.resolve("memory/docker/" + ID_A + "/memory.usage_in_bytes"), "30000000\n");
        write(cg.resolve("memory/docker/" + ID_A + "/memory.stat"), "total_inactive_file 10000000\n");
        write(cg.resolve("cpuacct/docker/" + ID_A + "/cpuacct.usage"), "1500000000\n");
        write(cg.resolve("memory/system.slice/docker-" + ID_B + ".scope/memory.usage_in_bytes"), "1000\n");
        write(cg.resolve("memory/system.slice/docker-" + ID_B + ".scope/memory.stat"), "total_inactive_file 0\n");
        write(cg.resolve("cpuacct/system.slice/docker-" + ID_B + ".scope/cpuacct.usage"), "500000000\n");

        String text = new String(new ResourceMetrics(new Cgroups(cg), dir.resolve("meminfo"), CLOCK).render(pods()),
                StandardCharsets.UTF_8);

        assertThat(text).contains(
                "container_cpu_usage_seconds_total{container=\"etcd\",namespace=\"kube-system\",pod=\"etcd-node-1\"}"
                        + " 1.5 1714564800123\n",
                "container_memory_working_set_bytes{container=\"etcd\",namespace=\"kube-system\","
                        + "pod=\"etcd-node-1\"} 20000000 1714564800123\n",
                "container_cpu_usage_seconds_total{container=\"backup\",namespace=\"kube-system\","
                        + "pod=\"etcd-node-1\"} 0.5 1714564800123\n",
                "container_start_time_seconds{container=\"etcd\",namespace=\"kube-system\",pod=\"etcd-node-1\"}"
                        + " 1714560000 1714564800123\n",
                "pod_cpu_usage_seconds_total{namespace=\"kube-system\",pod=\"etcd-node-1\"} 2.0 1714564800123\n",
                "pod_memory_working_set_bytes{namespace=\"kube-system\",pod=\"etcd-node-1\"} 20001000 1714564800123\n",
                "node_cpu_usage_seconds_total 5000.0 1714564800123\n",
                "node_memory_working_set_bytes 2000000000 1714564800123\n",
                "# TYPE container_cpu_usage_seconds_total counter\n",
                "# TYPE container_memory_working_set_bytes gauge\n",
                "scrape_error 0\n");
    }

    @Test
    void readsCgroupV2AndReportsAContainerWithoutCgroupAsAScrapeError() throws Exception {
        Path cg = dir.resolve("cgroup2");
        write(cg.resolve("cgroup.controllers"), "cpu memory\n");
        write(cg.resolve("cpu.stat"), "usage_usec 7000000\nuser_usec 1\n");
        write(cg.resolve("kubepods.slice/cri-containerd-" + ID_A + ".scope/cpu.stat"), "usage_usec 2500000\n");
        write(cg.resolve("kubepods.slice/cri-containerd-" + ID_A + ".scope/memory.current"), "4096000\n");
        write(cg.resolve("kubepods.slice/cri-containerd-" + ID_A + ".scope/memory.stat"), "anon 1\ninactive_file 96000\n");
        write(dir.resolve("meminfo"), "MemTotal:       1000 kB\nMemFree:         200 kB\nInactive(file):  100 kB\n");

        String text = new String(new ResourceMetrics(new Cgroups(cg), dir.resolve("meminfo"), CLOCK).render(pods()),
                StandardCharsets.UTF_8);

        assertThat(text).contains(
                "container_cpu_usage_seconds_total{container=\"etcd\",namespace=\"kube-system\",pod=\"etcd-node-1\"}"
                        + " 2.5 1714564800123\n",
                "container_memory_working_set_bytes{container=\"etcd\",namespace=\"kube-system\","
                        + "pod=\"etcd-node-1\"} 4000000 1714564800123\n",
                "node_cpu_usage_seconds_total 7.0 1714564800123\n",
                "node_memory_working_set_bytes 716800 1714564800123\n",
                "scrape_error 1\n");
        assertThat(text).doesNotContain("container=\"backup\"");
    }
}
