/**
 * The containerd adapter: {@link io.staticpod.runtime.containerd.CtrRuntime} drives containerd's {@code ctr} CLI
 * through the {@link io.staticpod.runtime.exec.CommandRunner} seam, in a containerd namespace of the agent's own. It
 * absorbs what ctr lacks compared with Docker: Docker-style image names, an exit status that ctr only reveals when a
 * stopped task is deleted (recorded as container labels), SIGKILL after the grace period, and container names kept in
 * labels. Pods get loopback-only networking unless hostNetwork: there is no CNI. The ctr helpers it uses live in
 * {@code io.staticpod.runtime.ctr}, with the pod-level adapter that replaces this one.
 */
package io.staticpod.runtime.containerd;
