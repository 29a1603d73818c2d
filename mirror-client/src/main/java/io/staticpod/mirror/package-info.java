/**
 * What the agent asks of the API server, split by what it asks: {@link io.staticpod.mirror.DesiredMirrors} (mirror
 * pods), {@link io.staticpod.mirror.PodReports} (their status and events), and
 * {@link io.staticpod.mirror.NodeReadiness} (what the Node's Ready condition reads from the agent: the runtime's
 * health); {@link io.staticpod.mirror.MirrorClient} is the first two with a life cycle, and its
 * {@link io.staticpod.mirror.MirrorClient#NONE} is standalone mode. {@link io.staticpod.mirror.ApiRequestListener}
 * is told of every request made, for the agent's metrics.
 */
package io.staticpod.mirror;
