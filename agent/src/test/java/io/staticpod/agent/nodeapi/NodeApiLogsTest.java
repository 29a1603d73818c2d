package io.staticpod.agent.nodeapi;

import io.staticpod.manifest.StaticPod;
import io.staticpod.mirror.PodStatus;
import io.staticpod.runtime.spi.Capabilities;
import io.staticpod.runtime.spi.ContainerConfig;
import io.staticpod.runtime.spi.LogReader;
import io.staticpod.runtime.spi.SandboxConfig;
import io.staticpod.runtime.spi.SandboxMetadata;
import io.staticpod.runtime.spi.testing.FakeContainerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class NodeApiLogsTest {
    static final String LOGS = "/containerLogs/kube-system/etcd-node-1/etcd";

    @TempDir
    Path root;
    ServerHarness api;
    TestPki.Issued jane = ServerHarness.PKI.client("jane");
    String id;
    final AtomicLong bytesRead = new AtomicLong();

    @AfterEach
    void tearDown() {
        if (api != null) {
            api.close();
        }
    }

    /** A server reading the fake runtime's logs (bytes counted), with etcd-node-1 running. */
    void start(int maxStreams) throws Exception {
        api = new ServerHarness(root, ServerHarness.config(root), maxStreams, this::open, Streaming.UNSUPPORTED);
        id = api.pods.run(FakePods.staticPod("kube-system", "etcd", "etcd")).get(0);
        api.reviews.allow("jane", "get", "proxy");
    }

    @Test
    void servesTheWholeLogOfTheRunningInstance() throws Exception {
        start(4);
        api.runtime.appendLog(id, "first");
        api.runtime.appendLog(id, io.staticpod.runtime.spi.LogReader.LogLine.Stream.STDERR, "second");

        HttpResponse<String> r = api.get(jane, LOGS);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.body()).isEqualTo("first\nsecond\n");
    }

    @Test
    void tailTimestampsStreamLimitAndSinceAreApplied() throws Exception {
        start(4);
        for (int i = 1; i <= 5; i++) {
            api.runtime.appendLog(id, "line " + i);
            api.clock.advance(Duration.ofSeconds(10));
        }
        api.runtime.appendLog(id, io.staticpod.runtime.spi.LogReader.LogLine.Stream.STDERR, "oops");

        assertThat(api.get(jane, LOGS + "?tailLines=2").body()).isEqualTo("line 5\noops\n");
        assertThat(api.get(jane, LOGS + "?tail=1").body()).isEqualTo("oops\n");
        assertThat(api.get(jane, LOGS + "?tailLines=1&timestamps=true").body())
                .isEqualTo("2024-05-01T12:00:50.000000000Z oops\n");
        assertThat(api.get(jane, LOGS + "?stream=Stderr").body()).isEqualTo("oops\n");
        assertThat(api.get(jane, LOGS + "?limitBytes=9").body()).isEqualTo("line 1\nli");
        assertThat(api.get(jane, LOGS + "?sinceSeconds=15").body()).isEqualTo("line 5\noops\n");
        assertThat(api.get(jane, LOGS + "?sinceTime=2024-05-01T12:00:40Z").body()).isEqualTo("line 5\noops\n");
    }

    @Test
    void aBadOptionIs400NamingIt() throws Exception {
        start(4);
        for (String[] q : List.of(
                new String[]{"tailLines=-1", "tailLines: \"-1\" must not be negative"},
                new String[]{"tailLines=99999999999999999999", "tailLines: \"99999999999999999999\" is not a whole"},
                new String[]{"limitBytes=0", "limitBytes: \"0\" must be at least 1"},
                new String[]{"sinceSeconds=0", "sinceSeconds: \"0\" must be at least 1"},
                new String[]{"sinceSeconds=abc", "sinceSeconds: \"abc\" is not a whole number"},
                new String[]{"sinceTime=yesterday", "sinceTime: \"yesterday\" is not an RFC 3339 time"},
                new String[]{"sinceSeconds=5&sinceTime=2024-05-01T12:00:40Z", "sinceSeconds, sinceTime: at most one"},
                new String[]{"follow=yes", "follow: \"yes\" is not a boolean"},
                new String[]{"stream=Both", "stream: \"Both\" is not a log stream"})) {
            HttpResponse<String> r = api.get(jane, LOGS + "?" + q[0]);
            assertThat(r.statusCode()).as(q[0]).isEqualTo(400);
            assertThat(r.body()).as(q[0]).startsWith(q[1]);
        }
        assertThat(api.get(jane, LOGS + "?sinceSeconds=9223372036854775807").statusCode()).isEqualTo(200);
    }

    @Test
    void aFollowedLogStreamsLinesAsTheyComeAndEndsWhenTheInstanceEnds() throws Exception {
        start(4);
        api.runtime.appendLog(id, "before");
        HttpResponse<InputStream> r = api.client(jane).send(HttpRequest.newBuilder(api.uri(LOGS + "?follow=true"))
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader body = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));

        assertThat(body.readLine()).isEqualTo("before");
        api.runtime.appendLog(id, "while following");
        assertThat(body.readLine()).isEqualTo("while following");
        api.runtime.exit(id, 1);
        assertThat(body.readLine()).isNull(); // the response ended with the instance
        await().atMost(Duration.ofSeconds(10)).until(() -> api.server.activeStreams() == 0);
    }

    @Test
    void previousReadsTheInstanceBeforeTheCurrentOneAfterACrash() throws Exception {
        start(4);
        StaticPod pod = FakePods.staticPod("kube-system", "web", "app");
        SandboxConfig sandbox = new SandboxConfig(new SandboxMetadata(pod.key().name(), "kube-system", pod.uid(), 0),
                null, null, null, null, null, null, null, null, false);
        String sb = api.runtime.sandboxes().run(sandbox);
        String first = api.runtime.containers().create(sb, ContainerConfig.builder("app", 0, FakePods.IMAGE).build(),
                sandbox);
        api.runtime.containers().start(first);
        api.runtime.appendLog(first, "crashed here");
        api.runtime.exit(first, 2);
        String second = api.runtime.containers().create(sb, ContainerConfig.builder("app", 1, FakePods.IMAGE).build(),
                sandbox);
        api.runtime.containers().start(second);
        api.runtime.appendLog(second, "running again");
        Instant t = Instant.parse("2024-05-01T11:00:00Z");
        api.pods.put(pod, new PodStatus(pod.uid(), PodStatus.Phase.Running, t, null, List.of(), List.of(
                new PodStatus.ContainerStatus("app", FakePods.IMAGE, null, "fake://" + second,
                        new PodStatus.Running(t), new PodStatus.Terminated(2, "Error", null, t, t, "fake://" + first),
                        true, true, 1)), null));

        assertThat(api.get(jane, "/containerLogs/kube-system/web-node-1/app").body()).isEqualTo("running again\n");
        assertThat(api.get(jane, "/containerLogs/kube-system/web-node-1/app?previous=true").body())
                .isEqualTo("crashed here\n");
        HttpResponse<String> none = api.get(jane, LOGS + "?previous=true");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).startsWith("previous terminated container \"etcd\" in pod \"etcd-node-1\" not found");
    }

    @Test
    void aContainerNotStartedYetIs400SayingWhy() throws Exception {
        start(4);
        StaticPod pod = FakePods.staticPod("default", "web", "app");
        api.pods.put(pod, new PodStatus(pod.uid(), PodStatus.Phase.Pending, null, null, List.of(), List.of(
                new PodStatus.ContainerStatus("app", FakePods.IMAGE, null, null,
                        new PodStatus.Waiting("ErrImagePull", "no such image"), null, false, false, 0)), null));

        HttpResponse<String> r = api.get(jane, "/containerLogs/default/web-node-1/app");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("container \"app\" in pod \"web-node-1\" is waiting to start: ErrImagePull");
    }

    @Test
    void aRuntimeWithoutLogsIsAnsweredWith501SayingWhichRuntimesServeThem() throws Exception {
        FakeContainerRuntime noLogs = new FakeContainerRuntime(java.time.Clock.systemUTC(),
                new Capabilities(true, true, true, true, false, false));
        api = new ServerHarness(root, ServerHarness.config(root), 4, StaticPodLogs.of(noLogs), Streaming.UNSUPPORTED);
        api.pods.run(FakePods.staticPod("kube-system", "etcd", "etcd"));
        api.reviews.allow("jane", "get", "proxy");

        HttpResponse<String> r = api.get(jane, LOGS);

        assertThat(r.statusCode()).isEqualTo(501);
        assertThat(r.body()).startsWith("container logs are not served for runtime fake: the node API reads logs"
                + " through runtimes whose capabilities include logs");
    }

    @Test
    void streamsBeyondTheLimitAre429AndAStalledReaderHoldsOneConnectionWithBoundedBuffers() throws Exception {
        start(2);
        String line = "x".repeat(1000);
        for (int i = 0; i < 20_000; i++) { // 20 MB of log
            api.runtime.appendLog(id, line);
        }
        try (SSLSocket stalled = rawClient()) {
            stalled.getOutputStream().write(("GET " + LOGS + "?follow=true HTTP/1.1\r\nHost: x\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            // it reads nothing: the stream waits for it, holding what the connection's buffers hold and no more
            await().atMost(Duration.ofSeconds(30)).until(() -> api.server.stalledStreams() == 1
                    && bytesRead.get() > 1_000_000); // past what a moment's scheduling lag explains
            assertThat(bytesRead.get()).isLessThan(8_000_000L).isGreaterThan(0);

            HttpResponse<InputStream> second = api.client(jane).send(HttpRequest.newBuilder(
                    api.uri(LOGS + "?follow=true&tailLines=0")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(second.statusCode()).isEqualTo(200);
            HttpResponse<String> third = api.get(jane, LOGS + "?follow=true");
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(third.headers().firstValue("retry-after")).hasValue("1");
            assertThat(api.get(jane, "/healthz").body()).isEqualTo("ok\n");
            second.body().close();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.server.activeStreams() == 0);
    }

    /** The harness runtime's log, every byte handed out counted. */
    private LogReader open(String containerId, io.staticpod.runtime.spi.LogOptions options) {
        LogReader r = StaticPodLogs.of(api.runtime).open(containerId, options);
        return new LogReader() {
            @Override
            public LogLine next() throws java.io.IOException {
                LogLine l = r.next();
                if (l != null) {
                    bytesRead.addAndGet(l.bytes().length + 1);
                }
                return l;
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    /** A TLS socket as jane, with a small receive window, that reads only when told. */
    private SSLSocket rawClient() throws Exception {
        SSLSocket s = (SSLSocket) TestPki.clientContext(jane, api.serving).getSocketFactory().createSocket();
        s.setReceiveBufferSize(4096);
        s.connect(new java.net.InetSocketAddress("127.0.0.1", api.server.port()), 10_000);
        s.startHandshake();
        return s;
    }
}
