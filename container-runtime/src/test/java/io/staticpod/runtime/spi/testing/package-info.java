/**
 * Test support for the pod-level runtime SPI ({@link io.staticpod.runtime.spi}), shared through this module's
 * test-jar: {@link io.staticpod.runtime.spi.testing.FakeContainerRuntime}, an in-memory engine with failure knobs
 * for the agent's tests, and {@link io.staticpod.runtime.spi.testing.ContainerRuntimeContract}, the one suite the
 * fake and every real adapter pass, so that the fake cannot drift from what the engines really do.
 */
package io.staticpod.runtime.spi.testing;
