package io.staticpod.it;

import io.staticpod.it.RuntimeObserver.Seen;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pod features real manifests rely on, each checked on a real container. */
class PodFeaturesDockerIT extends OneAgentOnDocker {
    @Override
    String nodePrefix() {
        return "feat";
    }

    private static String inspect(String id, String format) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("docker", "inspect", "--format", format, id).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.strip();
    }

    @Test
    void envResourcesSecurityNamesAndInMemoryVolumesReachTheContainer() throws Exception {
        write("feat.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: feat, labels: {tier: db}}
                spec:
                  terminationGracePeriodSeconds: 2
                  hostAliases: [{ip: 10.1.2.3, hostnames: [db.example]}]
                  volumes:
                  - {name: cache, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
                  - {name: info, downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}}
                  containers:
                  - name: app
                    image: IMAGE
                    env:
                    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: TIER, valueFrom: {fieldRef: {fieldPath: "metadata.labels['tier']"}}}
                    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                    - {name: GREETING, value: "hello $(POD)"}
                    command: ["sh", "-c", "echo POD=$POD TIER=$TIER IP=$IP MEM=$MEM; echo $(GREETING); grep db.example /etc/hosts; grep ' /cache ' /proc/mounts; cat /etc/podinfo/labels; SLEEP"]
                    volumeMounts: [{name: cache, mountPath: /cache}, {name: info, mountPath: /etc/podinfo}]
                    resources:
                      requests: {cpu: 250m}
                      limits: {cpu: 500m, memory: 64Mi}
                    securityContext:
                      capabilities: {add: [NET_ADMIN], drop: [MKNOD]}
                      readOnlyRootFilesystem: true
                """);

        Seen app = awaitRunning("feat", "app");

        await().atMost(Duration.ofSeconds(10)).until(() -> docker.logs(app.id()).contains("tmpfs"));
        String out = docker.logs(app.id());
        assertThat(out).contains("POD=feat-" + node, "TIER=db", "MEM=64", "hello feat-" + node,
                "10.1.2.3\tdb.example", "tmpfs /cache tmpfs", "tier=\"db\"");
        assertThat(out).containsPattern("IP=\\d+\\.\\d+\\.\\d+\\.\\d+");
        // docker-java cannot read "CAP_NET_ADMIN" back: ask the docker CLI, an observer independent of the agent too;
        // Docker keeps capabilities as it was given them, with or without the CAP_ prefix (the CLI adds it)
        assertThat(inspect(app.id(), "{{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.CpuQuota}}"
                + " {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}}"
                + " {{.HostConfig.OomScoreAdj}}").replace("CAP_", ""))
                .isEqualTo((64L << 20) + " 256 50000 true [NET_ADMIN] [MKNOD] 0");
    }

    @Test
    void initContainersRunInOrderToSuccessBeforeTheAppContainers() throws Exception {
        write("init.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: init}
                spec:
                  terminationGracePeriodSeconds: 2
                  volumes: [{name: work, emptyDir: {}}]
                  initContainers:
                  - {name: first, image: IMAGE, command: [sh, -c, "echo one >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
                  - {name: second, image: IMAGE, command: [sh, -c, "echo two >> /work/order"], volumeMounts: [{name: work, mountPath: /work}]}
                  containers:
                  - {name: app, image: IMAGE, command: [sh, -c, "cat /work/order; SLEEP"], volumeMounts: [{name: work, mountPath: /work}]}
                """);

        Seen app = awaitRunning("init", "app");

        await().atMost(Duration.ofSeconds(10)).until(() -> docker.logs(app.id()).contains("two"));
        assertThat(docker.logs(app.id())).isEqualTo("one\ntwo\n");
    }

    @Test
    void lifecycleHooksRunWhereTheKubeletRunsThemAndAFailedPostStartKillsItsContainer() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("hooks"));
        write("hooked.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: hooked}
                spec:
                  terminationGracePeriodSeconds: 10
                  volumes: [{name: out, hostPath: {path: OUT, type: Directory}}]
                  containers:
                  - name: app
                    image: IMAGE
                    command: [sh, -c, "trap 'echo term >> /out/log; exit 0' TERM; while true; do sleep 1 & wait $!; done"]
                    volumeMounts: [{name: out, mountPath: /out}]
                    lifecycle:
                      postStart: {exec: {command: [sh, -c, "echo post-start >> /out/log"]}}
                      preStop: {exec: {command: [sh, -c, "echo pre-stop >> /out/log"]}}
                  - name: failing
                    image: IMAGE
                    command: [sh, -c, SLEEP]
                    lifecycle:
                      postStart: {exec: {command: [sh, -c, "echo not this time >&2; exit 3"]}}
                """.replace("OUT", out.toString()));

        awaitRunning("hooked", "app");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(out.resolve("log")));
        assertThat(Files.readString(out.resolve("log"))).isEqualTo("post-start\n");
        agent.awaitLog(Duration.ofSeconds(30), "PostStart hook of static pod container failed",
                "pod=default/hooked-" + node, "container=failing", "exited with 3: not this time");
        agent.awaitLog(Duration.ofSeconds(30), "Container of static pod exited", "pod=default/hooked-" + node,
                "container=failing");

        Files.delete(manifests.resolve("hooked.yaml"));

        // the hook first, then the stop signal, from the container's own record of its hook: the manifest is gone
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out.resolve("log")).contains("term"));
        assertThat(Files.readString(out.resolve("log"))).isEqualTo("post-start\npre-stop\nterm\n");
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedOomKilledAndRestarted() throws Exception {
        write("oom.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: oom}
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                  - name: hog
                    image: IMAGE
                    command: [sh, -c, "sleep 1; head -c 200m /dev/zero | tail > /dev/null"]
                    resources: {limits: {memory: 16Mi}}
                """);

        agent.awaitLog(Duration.ofSeconds(40), "Container of static pod exited", "pod=default/oom-" + node,
                "reason=OOMKilled");
    }

    @Test
    void namespacesDnsMountsAndPullPolicyBehaveAsInKubernetes() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data/sub"));
        Files.writeString(data.resolve("file.txt"), "from the sub path");
        write("ns.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: ns}
                spec:
                  terminationGracePeriodSeconds: 2
                  shareProcessNamespace: true
                  dnsConfig: {nameservers: [10.9.8.7], searches: [example.internal]}
                  volumes: [{name: data, hostPath: {path: DATA, type: Directory}}]
                  containers:
                  - name: marker
                    image: IMAGE
                    command: [sh, -c, "exec sleep 4242"]
                  - name: looker
                    image: IMAGE
                    volumeMounts:
                    - {name: data, mountPath: /ro, readOnly: true}
                    - {name: data, mountPath: /sub, subPath: sub}
                    command: [sh, -c, "sleep 1; ps | grep -c '[s]leep 424[2]'; grep -h nameserver /etc/resolv.conf; cat /sub/file.txt; echo; touch /ro/x 2>/dev/null || echo read-only; SLEEP"]
                """.replace("DATA", tmp.resolve("data").toString()));
        // A host process may exit while ls lists /proc; its complaint on stderr would reach the logs.
        write("hostpid.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: hostpid}
                spec:
                  terminationGracePeriodSeconds: 2
                  hostPID: true
                  containers:
                  - {name: app, image: IMAGE, command: [sh, -c, "ls /proc 2>/dev/null | grep -c '^[0-9]'; SLEEP"]}
                """);
        write("never.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: never}
                spec:
                  containers:
                  - {name: app, image: "static-pod-agent.local/absent:1", imagePullPolicy: Never}
                """);
        write("badpath.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: badpath}
                spec:
                  volumes: [{name: f, hostPath: {path: /nonexistent/file, type: File}}]
                  containers:
                  - {name: app, image: IMAGE, volumeMounts: [{name: f, mountPath: /f}]}
                """);

        Seen looker = awaitRunning("ns", "looker");
        Seen hostPid = awaitRunning("hostpid", "app");

        await().atMost(Duration.ofSeconds(15)).until(() -> docker.logs(looker.id()).contains("read-only"));
        assertThat(docker.logs(looker.id())).startsWith("1\n").contains("nameserver 10.9.8.7", "from the sub path",
                "read-only");
        await().atMost(Duration.ofSeconds(10)).until(() -> !docker.logs(hostPid.id()).isBlank());
        assertThat(Integer.parseInt(docker.logs(hostPid.id()).strip())).as("processes seen with hostPID").isGreaterThan(20);
        agent.awaitLog(Duration.ofSeconds(20), "Failed to start container of static pod", "pod=default/never-" + node,
                "imagePullPolicy is Never");
        agent.awaitLog(Duration.ofSeconds(20), "pod=default/badpath-" + node, "hostPath type check failed",
                "/nonexistent/file is not a file");
    }
}
