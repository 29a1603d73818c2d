package io.staticpod.config;

import java.util.Set;

/**
 * Top-level field names of the kubelet's {@code KubeletConfiguration} (v1beta1, up to Kubernetes 1.33).
 * Used only to tell a kubelet field the agent ignores from a misspelling of one it reads.
 */
final class KubeletFields {
    static final Set<String> V1BETA1 = Set.of(
            "enableServer", "staticPodPath", "podLogsDir", "syncFrequency", "fileCheckFrequency",
            "httpCheckFrequency", "staticPodURL", "staticPodURLHeader", "address", "port", "readOnlyPort",
            "tlsCertFile", "tlsPrivateKeyFile", "tlsCipherSuites", "tlsMinVersion", "rotateCertificates",
            "serverTLSBootstrap", "authentication", "authorization", "registryPullQPS", "registryBurst",
            "imagePullCredentialsVerificationPolicy", "preloadedImagesVerificationAllowlist",
            "eventRecordQPS", "eventBurst", "enableDebuggingHandlers", "enableContentionProfiling", "healthzPort",
            "healthzBindAddress", "oomScoreAdj", "clusterDomain", "clusterDNS", "streamingConnectionIdleTimeout",
            "nodeStatusUpdateFrequency", "nodeStatusReportFrequency", "nodeLeaseDurationSeconds",
            "imageMinimumGCAge", "imageMaximumGCAge", "imageGCHighThresholdPercent", "imageGCLowThresholdPercent",
            "volumeStatsAggPeriod", "kubeletCgroups", "systemCgroups", "cgroupRoot", "cgroupsPerQOS", "cgroupDriver",
            "cpuManagerPolicy", "singleProcessOOMKill", "cpuManagerPolicyOptions", "cpuManagerReconcilePeriod",
            "memoryManagerPolicy", "topologyManagerPolicy", "topologyManagerScope", "topologyManagerPolicyOptions",
            "qosReserved", "runtimeRequestTimeout", "hairpinMode", "maxPods", "podCIDR", "podPidsLimit",
            "resolvConf", "runOnce", "cpuCFSQuota", "cpuCFSQuotaPeriod", "nodeStatusMaxImages", "maxOpenFiles",
            "contentType", "kubeAPIQPS", "kubeAPIBurst", "serializeImagePulls", "maxParallelImagePulls",
            "evictionHard", "evictionSoft", "evictionSoftGracePeriod", "evictionPressureTransitionPeriod",
            "evictionMaxPodGracePeriod", "evictionMinimumReclaim", "mergeDefaultEvictionSettings", "podsPerCore",
            "enableControllerAttachDetach", "protectKernelDefaults", "makeIPTablesUtilChains",
            "iptablesMasqueradeBit", "iptablesDropBit", "featureGates", "failSwapOn", "memorySwap",
            "containerLogMaxSize", "containerLogMaxFiles", "containerLogMaxWorkers", "containerLogMonitorInterval",
            "configMapAndSecretChangeDetectionStrategy", "systemReserved", "kubeReserved", "reservedSystemCPUs",
            "showHiddenMetricsForVersion", "systemReservedCgroup", "kubeReservedCgroup", "enforceNodeAllocatable",
            "allowedUnsafeSysctls", "volumePluginDir", "providerID", "kernelMemcgNotification", "logging",
            "enableSystemLogHandler", "enableSystemLogQuery", "shutdownGracePeriod",
            "shutdownGracePeriodCriticalPods", "shutdownGracePeriodByPodPriority", "crashLoopBackOff",
            "reservedMemory", "enableProfilingHandler", "enableDebugFlagsHandler", "seccompDefault",
            "memoryThrottlingFactor", "registerWithTaints", "registerNode", "tracing",
            "localStorageCapacityIsolation", "containerRuntimeEndpoint", "imageServiceEndpoint", "failCgroupV1",
            "userNamespaces");

    private KubeletFields() {
    }
}
