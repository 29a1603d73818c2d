package io.staticpod.manifest;

import java.nio.file.Path;

/**
 * Reads one manifest (YAML or JSON, one Pod) into a {@link ParseResult}: parses with positions, binds, defaults,
 * validates and computes the identity. Pure and thread-safe; never throws for bad content.
 */
public final class ManifestReader {
    private final String nodeName;

    /** @param nodeName the node name, already lowercased */
    public ManifestReader(String nodeName) {
        this.nodeName = nodeName;
    }

    public String nodeName() {
        return nodeName;
    }

    /**
     * @param file    the file's path (absolute), used in messages and in the UID
     * @param content the file's bytes
     */
    public ParseResult parse(Path file, byte[] content) {
        throw new UnsupportedOperationException("to be implemented");
    }
}
