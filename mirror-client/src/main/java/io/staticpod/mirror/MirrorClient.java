package io.staticpod.mirror;

import io.staticpod.manifest.StaticPod;

/**
 * Publishes read-only mirror pods of static pods to an API server. Implementations are idempotent and never
 * block a static pod on the API server: failures are retried by the implementation and reported, not thrown.
 */
public interface MirrorClient {

    /** Makes sure a mirror of this pod exists (creating or replacing it). */
    void ensureMirror(StaticPod pod);

    /** Makes sure no mirror of this pod exists. */
    void deleteMirror(StaticPod pod);

    /** Standalone mode: no API server, nothing published. */
    MirrorClient NONE = new MirrorClient() {
        @Override
        public void ensureMirror(StaticPod pod) {
        }

        @Override
        public void deleteMirror(StaticPod pod) {
        }
    };
}
