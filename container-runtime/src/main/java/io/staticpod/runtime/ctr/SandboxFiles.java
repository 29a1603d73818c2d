package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.DnsConfig;
import io.staticpod.runtime.spi.Mount;
import io.staticpod.runtime.spi.RuntimeError;
import io.staticpod.runtime.spi.SandboxConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files a sandbox gives its containers, since ctr gives a container none (Docker writes them, CRI runtimes too):
 * {@code /etc/hosts} (localhost, so that it resolves in images without the file; on the node's network the node's
 * own file) and {@code /etc/resolv.conf} (the sandbox's {@link DnsConfig}, or a copy of the node's when it asks for
 * the node's, taken when the sandbox is run). They live in {@code <root>/<sandbox id>/}, are mounted read-only into
 * each container that does not mount that path itself, and are deleted with the sandbox.
 */
final class SandboxFiles {

    private static final Logger log = LoggerFactory.getLogger(SandboxFiles.class);
    static final String LOCALHOST = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

    private final Path root;
    private final Path nodeHosts;
    private final Path nodeResolvConf;

    SandboxFiles(Path root, Path nodeHosts, Path nodeResolvConf) {
        this.root = root;
        this.nodeHosts = nodeHosts;
        this.nodeResolvConf = nodeResolvConf;
    }

    /** Writes the sandbox's files before it is run. */
    void write(String sandboxId, SandboxConfig config) {
        Path dir = root.resolve(sandboxId);
        try {
            Files.createDirectories(dir);
            if (!config.hostNetwork()) {
                Files.writeString(dir.resolve("hosts"), LOCALHOST);
            }
            DnsConfig dns = config.dns();
            if (!dns.isNode()) {
                Files.writeString(dir.resolve("resolv.conf"), resolvConf(dns));
            } else if (Files.isRegularFile(nodeResolvConf)) {
                Files.writeString(dir.resolve("resolv.conf"), Files.readString(nodeResolvConf));
            }
        } catch (IOException e) {
            throw new RuntimeError.Refused("cannot write the hosts and resolv.conf files of sandbox " + sandboxId
                    + " under " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where ctr writes the sandbox's pause pid. */
    Path pidFile(String sandboxId) {
        return root.resolve(sandboxId).resolve("pid");
    }

    /** {@code mounts} and, unless they cover the path already, the sandbox's hosts and resolv.conf, read-only. */
    List<Mount> mounts(String sandboxId, SandboxConfig config, List<Mount> mounts) {
        List<Mount> all = new ArrayList<>(mounts);
        Path dir = root.resolve(sandboxId);
        add(all, config.hostNetwork() ? nodeHosts : dir.resolve("hosts"), "/etc/hosts");
        add(all, dir.resolve("resolv.conf"), "/etc/resolv.conf");
        return all;
    }

    private static void add(List<Mount> mounts, Path file, String containerPath) {
        if (mounts.stream().noneMatch(m -> m.containerPath().equals(containerPath)) && Files.isRegularFile(file)) {
            mounts.add(Mount.bind(file.toString(), containerPath, true));
        }
    }

    /** Deletes the sandbox's files; a failure is logged (the sandbox itself is gone). */
    void delete(String sandboxId) {
        Path dir = root.resolve(sandboxId);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Cannot delete the files of a removed sandbox id={} path={} error={}", sandboxId, dir,
                    e.toString());
        }
    }

    static String resolvConf(DnsConfig dns) {
        StringBuilder out = new StringBuilder();
        dns.servers().forEach(s -> out.append("nameserver ").append(s).append('\n'));
        if (!dns.searches().isEmpty()) {
            out.append("search ").append(String.join(" ", dns.searches())).append('\n');
        }
        if (!dns.options().isEmpty()) {
            out.append("options ").append(String.join(" ", dns.options())).append('\n');
        }
        return out.toString();
    }
}
