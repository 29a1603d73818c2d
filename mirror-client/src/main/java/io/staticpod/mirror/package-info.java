/**
 * The API server side: node registration and lease, mirror pods, their status and events. Only
 * {@link io.staticpod.mirror.MirrorClient#NONE} (standalone) exists so far.
 */
package io.staticpod.mirror;
