package io.staticpod.agent.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A manifest can run a privileged container with the node's root file system mounted: the directory and its files are
 * as sensitive as root's crontab. Anyone but root able to write them is said once per path, loudly, and again only
 * after it was fixed and came back. Confined to the scanning thread.
 */
final class WritableWarnings {
    private static final Logger log = LoggerFactory.getLogger(FileManifestSource.class);
    private final Set<Path> named = new HashSet<>();

    /** Who besides root can write {@code p}, in strict mode (for the file's refusal); else null. */
    String check(Path p, boolean strict) {
        String who = ManifestFiles.writableByOthers(p);
        if (who == null) {
            named.remove(p);
            return null;
        }
        if (named.add(p)) {
            if (strict) {
                log.warn("Static pod manifests writable by others than root are refused (strictManifestPermissions) "
                        + "path={} who=\"{}\"", p, who);
            } else {
                log.warn("Static pod manifests writable by others than root; whoever can write here can run "
                        + "privileged containers on this node: make it root-owned and not group/world-writable "
                        + "path={} who=\"{}\"", p, who);
            }
        }
        return strict ? who : null;
    }
}
