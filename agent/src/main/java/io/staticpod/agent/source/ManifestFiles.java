package io.staticpod.agent.source;

import java.util.regex.Pattern;

/**
 * Which names in the static pod path are manifests. Like the kubelet, every non-hidden regular file is read, whatever
 * its extension (kops names its pods {@code *.manifest}); unlike the kubelet, editor and package-manager leftovers are
 * skipped, because a backup holding an older version of a pod must not replace it.
 */
final class ManifestFiles {
    private ManifestFiles() {
    }

    /** Files larger than this are refused without being read, as the kubelet's {@code maxConfigLength}. */
    static final long MAX_SIZE = 10L * 1024 * 1024;

    private static final Pattern LEFTOVER = Pattern.compile(
            ".*~|.*\\.(swp|swx|tmp|bak|orig|dpkg-old|dpkg-new|dpkg-dist|rpmnew|rpmsave)|#.*#|[0-9]+");

    /** Hidden files are ignored silently, as the kubelet does. */
    static boolean isHidden(String name) {
        return name.startsWith(".");
    }

    /** Editor and package-manager leftovers: skipped and named once in the log. */
    static boolean isLeftover(String name) {
        return LEFTOVER.matcher(name).matches();
    }
}
