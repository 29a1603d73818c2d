package io.staticpod.agent.status;

import java.util.List;

/**
 * One static pod as {@code status} shows it, and as {@code /pods} sends it (JSON).
 *
 * @param status        what {@code kubectl get po} shows in STATUS: a container's waiting or terminated reason
 *                      (CrashLoopBackOff, ErrImagePull, Error …) when there is one, else the phase
 * @param startTime     ISO-8601, when the agent started working on this pod version; null before
 * @param ageSeconds    seconds since {@code startTime} (else since its manifest was seen)
 * @param manifestError the pod's file turned invalid and its last good version runs: the file's errors; else null
 * @param lastError     what a person should look at: the manifest error, a container's waiting reason and message,
 *                      or the last Warning event of this pod version while it is not ready; else null
 */
public record PodRow(String namespace,
                     String name,
                     String uid,
                     String phase,
                     String status,
                     int readyContainers,
                     int containers,
                     int restarts,
                     String startTime,
                     long ageSeconds,
                     String file,
                     String manifestError,
                     String lastError) {

    /** {@code 1/2} */
    public String ready() {
        return readyContainers + "/" + containers;
    }

    /** A manifest file that no pod runs from because it is invalid. */
    public record InvalidFile(String file, List<String> errors) {
        public InvalidFile {
            errors = List.copyOf(errors);
        }
    }

    /** Everything {@code /pods} answers. */
    public record Board(String node, List<PodRow> pods, List<InvalidFile> invalidFiles) {
        public Board {
            pods = List.copyOf(pods);
            invalidFiles = List.copyOf(invalidFiles);
        }
    }
}
