package io.staticpod.agent.source;

import io.staticpod.manifest.ParseResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the manifest source has at one moment: one result per manifest file, sorted by file name.
 * This is a full SET, as the kubelet's sources send: a file missing from it is a file removed.
 *
 * @param pathExists false when the static pod path does not exist (then {@code results} is empty)
 */
public record SourceSnapshot(List<ParseResult> results, boolean pathExists) {
    public SourceSnapshot {
        results = List.copyOf(results);
    }

    /** The manifest files it has a result of. */
    public Set<Path> files() {
        return results.stream().map(ParseResult::file).collect(Collectors.toSet());
    }
}
