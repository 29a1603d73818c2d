package io.staticpod.runtime.ctr;

import io.staticpod.runtime.spi.NamespaceMode;
import io.staticpod.runtime.spi.SandboxConfig;

import java.util.regex.Pattern;

/**
 * Which of a pod's sysctls the ctr adapter may set in its sandbox: only namespaced ones (the IPC namespace's
 * {@code kernel.shm*}, {@code kernel.msg*}, {@code kernel.sem}, {@code fs.mqueue.*}; the network namespace's
 * {@code net.*}), and only in a namespace the pod owns: never the node's.
 */
final class CtrSysctls {
    private static final Pattern KEY = Pattern.compile("[a-z0-9_]+([./][a-z0-9_-]+)+");
    private static final Pattern VALUE = Pattern.compile("[^\\r\\n\\x00]*");

    private CtrSysctls() {
    }

    /** Null when {@code key=value} can be set in the pod's own namespaces, else why not. */
    static String refusal(SandboxConfig config, String key, String value) {
        if (!KEY.matcher(key).matches() || value == null || !VALUE.matcher(value).matches()) {
            return "not a sysctl name and value";
        }
        String dotted = key.replace('/', '.');
        if (dotted.startsWith("net.")) {
            return config.namespaces().network() == NamespaceMode.NODE
                    ? "a net.* sysctl with hostNetwork would change the node's network" : null;
        }
        if (dotted.startsWith("kernel.shm") || dotted.startsWith("kernel.msg") || dotted.equals("kernel.sem")
                || dotted.startsWith("fs.mqueue.")) {
            return config.namespaces().ipc() == NamespaceMode.NODE
                    ? "an IPC sysctl with hostIPC would change the node's" : null;
        }
        return "not a namespaced sysctl: it would change the node";
    }
}
