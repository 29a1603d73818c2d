package io.staticpod.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, as the kubelet takes it when there is no {@code --hostname-override}. */
final class HostNames {
    private HostNames() {
    }

    /** The host name, else {@code /etc/hostname}, else {@code $HOSTNAME}, else null. Not lowercased. */
    static String local() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            if (name != null && !name.isBlank()) {
                return name.trim();
            }
        } catch (IOException e) {
            // the name does not resolve (no /etc/hosts entry): fall back to the files the name comes from
        }
        try {
            String name = Files.readString(Path.of("/etc/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException e) {
            // fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? null : env.trim();
    }
}
