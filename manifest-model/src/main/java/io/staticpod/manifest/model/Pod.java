package io.staticpod.manifest.model;

/** A Pod: the subset of {@code v1.Pod} that the agent acts on. Values are defaulted by the reader. */
public record Pod(String apiVersion, String kind, ObjectMeta metadata, PodSpec spec) {
}
