/**
 * The manifest source: the static pod path, watched and re-listed, reported as full snapshots of parse results.
 * It decides which files are manifests; it does not decide which pods run (see {@code desired}).
 */
package io.staticpod.agent.source;
