/**
 * Typed, immutable records for the part of the Pod API that the agent acts on, defaulted as the API server would
 * (so that no reader of them defaults again), and {@link io.staticpod.manifest.model.Quantity}, the project's one
 * resource quantity parser. {@code Pod} → {@code PodSpec} → {@code Container} and {@code Volume}; values that a
 * part of the pod inherits (a container's security settings from the pod's) are merged in already.
 */
package io.staticpod.manifest.model;
