/**
 * The container runtime SPI ({@link io.staticpod.runtime.ContainerRuntime}) and its launch record. This module
 * depends on nothing else of the project: it runs containers described by {@link io.staticpod.runtime.LaunchSpec}
 * and finds them again by their labels. Adapters live in sub-packages ({@code docker}).
 */
package io.staticpod.runtime;
