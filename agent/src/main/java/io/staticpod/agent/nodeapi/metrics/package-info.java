/**
 * {@code /metrics/resource}: each running container's CPU time and memory working set read from its cgroup (v1 or
 * v2, found by the container's id), summed per pod, and the node's, in the Prometheus text format metrics-server
 * scrapes from kubelets ({@code container_cpu_usage_seconds_total}, {@code container_memory_working_set_bytes},
 * {@code pod_*}, {@code node_*}, {@code scrape_error}).
 */
package io.staticpod.agent.nodeapi.metrics;
