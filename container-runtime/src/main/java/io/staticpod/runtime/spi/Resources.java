package io.staticpod.runtime.spi;

/**
 * A container's cgroup limits, as CRI's {@code LinuxContainerResources}; 0 means the engine's default.
 *
 * @param cpuShares        relative CPU weight (cpu.shares)
 * @param cpuQuotaMicros   CFS quota per period
 * @param cpuPeriodMicros  CFS period (100000 when a quota is set and this is 0)
 * @param memoryLimitBytes hard memory limit; exceeding it gets the container OOM-killed
 * @param oomScoreAdj      the processes' oom_score_adj; 0 here, since a negative value needs CAP_SYS_RESOURCE,
 *                         which root lacks in some containers and VMs (every start then fails)
 */
public record Resources(long cpuShares, long cpuQuotaMicros, long cpuPeriodMicros, long memoryLimitBytes,
                        int oomScoreAdj) {
    public static final Resources NONE = new Resources(0, 0, 0, 0, 0);
}
