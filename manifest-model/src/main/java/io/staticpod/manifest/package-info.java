/**
 * Reading, defaulting, validating and hashing pod manifests: turns one file's bytes into a
 * {@link io.staticpod.manifest.StaticPod} (with its identity) or into every problem found, each naming the file,
 * line and field.
 */
package io.staticpod.manifest;
