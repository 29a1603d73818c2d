/** Typed, immutable records for the part of the Pod API that the agent acts on. */
package io.staticpod.manifest.model;
