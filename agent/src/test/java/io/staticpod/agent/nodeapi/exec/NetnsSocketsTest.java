package io.staticpod.agent.nodeapi.exec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/** Sockets made in a network namespace: the node's own, another one (made by {@code unshare}), one that is gone. */
class NetnsSocketsTest {
    private final NetnsSockets sockets = new NetnsSockets();
    private ServerSocket server;

    @BeforeEach
    void listenOnTheNodesLoopback() throws IOException {
        assumeThat(System.getProperty("user.name")).as("entering namespaces needs root").isEqualTo("root");
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        sockets.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aSocketOfTheNodesOwnNamespaceReachesTheNodesLoopback() throws Exception {
        try (SocketChannel socket = sockets.open("/proc/self/ns/net").get(10, TimeUnit.SECONDS)) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));

            assertThat(socket.isConnected()).isTrue();
        }
        assertThat(sockets.unavailable()).isNull();
    }

    @Test
    void aSocketOfAnotherNamespaceHasThatNamespacesLoopbackAndTheThreadGoesBack() throws Exception {
        Process other = new ProcessBuilder("unshare", "--net", "sh", "-c", "ip link set lo up 2>/dev/null; sleep 60")
                .start();
        try {
            Path netns = Path.of("/proc/" + other.pid() + "/ns/net");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.isSymbolicLink(netns) && !Files
                    .readSymbolicLink(netns).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/net"))));

            try (SocketChannel inside = sockets.open(netns.toString()).get(10, TimeUnit.SECONDS)) {
                // the node's server is not on that namespace's loopback
                assertThatThrownBy(() -> inside.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        server.getLocalPort()))).isInstanceOf(IOException.class);
            }
            // the next socket is the node's again: the thread went back
            try (SocketChannel node = sockets.open("/proc/self/ns/net").get(10, TimeUnit.SECONDS)) {
                node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
                assertThat(node.isConnected()).isTrue();
            }
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNamespaceThatIsGoneIsAnErrorNamingItAndLaterSocketsStillWork() throws Exception {
        assertThatThrownBy(() -> sockets.open("/proc/999999999/ns/net").get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IOException.class)
                .isNotInstanceOf(NetnsSockets.Unavailable.class)
                .hasMessageContaining("/proc/999999999/ns/net");

        assertThat(sockets.unavailable()).isNull();
        try (SocketChannel node = sockets.open("/proc/self/ns/net").get(10, TimeUnit.SECONDS)) {
            assertThat(node.isOpen()).isTrue();
        }
    }
}
