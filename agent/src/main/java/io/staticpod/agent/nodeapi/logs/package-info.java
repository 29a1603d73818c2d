/**
 * Container logs for {@code GET /containerLogs/{namespace}/{pod}/{container}}: the kubelet's {@code PodLogOptions}
 * read from the query with their bounds checked ({@link io.staticpod.agent.nodeapi.logs.LogQuery}), and the lines of
 * the runtime's {@link io.staticpod.runtime.spi.LogReader} written out with time stamps, stream selection and the byte
 * limit applied ({@link io.staticpod.agent.nodeapi.logs.LogCopier}).
 */
package io.staticpod.agent.nodeapi.logs;
