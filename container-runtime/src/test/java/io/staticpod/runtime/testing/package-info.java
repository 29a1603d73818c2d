/**
 * Test support shared through this module's test-jar: {@link io.staticpod.runtime.testing.FakeContainerRuntime}, an
 * in-memory engine with failure knobs for the agent's tests, and
 * {@link io.staticpod.runtime.testing.ContainerRuntimeContract}, the one suite that the fake and every real adapter
 * must pass, so that the fake cannot drift from what Docker really does.
 */
package io.staticpod.runtime.testing;
