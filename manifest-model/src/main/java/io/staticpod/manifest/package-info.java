/**
 * Reading, defaulting, validating and hashing pod manifests: turns one file's bytes into a
 * {@link io.staticpod.manifest.StaticPod} (with its identity) or into every problem found, each naming the file,
 * line and field. A static pod carries the typed pod ({@link io.staticpod.manifest.model}), which is what the agent
 * acts on, and an immutable {@link io.staticpod.manifest.ManifestTree}, which is what its mirror pod is made of.
 */
package io.staticpod.manifest;
