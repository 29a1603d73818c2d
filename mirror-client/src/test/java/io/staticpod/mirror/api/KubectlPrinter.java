package io.staticpod.mirror.api;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import java.util.List;

/** READY, STATUS and RESTARTS of {@code kubectl get po}, computed as kubectl's printer (printers.go printPod). */
final class KubectlPrinter {
    private KubectlPrinter() {
    }

    /** {@code READY STATUS RESTARTS}, space-separated. */
    static String row(Pod pod) {
        if (pod == null) {
            return "<none>";
        }
        if (pod.getStatus() == null) {
            return "0/" + pod.getSpec().getContainers().size() + " Pending 0";
        }
        int restarts = 0;
        int total = pod.getSpec().getContainers().size();
        int ready = 0;
        var st = pod.getStatus();
        String reason = st.getPhase();
        if (st.getReason() != null && !st.getReason().isEmpty()) {
            reason = st.getReason();
        }
        boolean initializing = false;
        List<ContainerStatus> inits = st.getInitContainerStatuses() == null ? List.of() : st.getInitContainerStatuses();
        for (int i = 0; i < inits.size(); i++) {
            ContainerStatus c = inits.get(i);
            restarts += c.getRestartCount();
            var term = c.getState().getTerminated();
            var wait = c.getState().getWaiting();
            if (term != null && term.getExitCode() == 0) {
                continue;
            } else if (term != null) {
                reason = term.getReason() == null || term.getReason().isEmpty()
                        ? "Init:ExitCode:" + term.getExitCode() : "Init:" + term.getReason();
            } else if (wait != null && wait.getReason() != null && !wait.getReason().isEmpty()
                    && !wait.getReason().equals("PodInitializing")) {
                reason = "Init:" + wait.getReason();
            } else {
                reason = "Init:" + i + "/" + pod.getSpec().getInitContainers().size();
            }
            initializing = true;
            break;
        }
        if (!initializing) {
            restarts = 0;
            boolean hasRunning = false;
            List<ContainerStatus> cs = st.getContainerStatuses() == null ? List.of() : st.getContainerStatuses();
            for (int i = cs.size() - 1; i >= 0; i--) {
                ContainerStatus c = cs.get(i);
                restarts += c.getRestartCount();
                var term = c.getState().getTerminated();
                var wait = c.getState().getWaiting();
                if (wait != null && wait.getReason() != null && !wait.getReason().isEmpty()) {
                    reason = wait.getReason();
                } else if (term != null && term.getReason() != null && !term.getReason().isEmpty()) {
                    reason = term.getReason();
                } else if (term != null) {
                    reason = "ExitCode:" + term.getExitCode();
                } else if (Boolean.TRUE.equals(c.getReady()) && c.getState().getRunning() != null) {
                    hasRunning = true;
                    ready++;
                }
            }
            if ("Completed".equals(reason) && hasRunning) {
                boolean podReady = st.getConditions() != null && st.getConditions().stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
                reason = podReady ? "Running" : "NotReady";
            }
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            reason = "Terminating";
        }
        return ready + "/" + total + " " + reason + " " + restarts;
    }
}
