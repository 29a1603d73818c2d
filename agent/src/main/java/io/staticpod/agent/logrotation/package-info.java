/**
 * Rotation of containers' log files for runtimes that write them and can reopen them (CRI), by the
 * KubeletConfiguration's {@code containerLogMaxSize} and {@code containerLogMaxFiles}.
 */
package io.staticpod.agent.logrotation;
