/**
 * What {@code static-pod-agent status} shows: the latest status of each static pod, kept by a tee in front of the
 * mirror client, and served as JSON on {@code /pods}.
 */
package io.staticpod.agent.status;
