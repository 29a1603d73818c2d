/**
 * The API server side: node registration and lease, mirror pods, their status and events, behind
 * {@link io.staticpod.mirror.MirrorClient}, whose {@link io.staticpod.mirror.MirrorClient#NONE} is standalone mode.
 */
package io.staticpod.mirror;
