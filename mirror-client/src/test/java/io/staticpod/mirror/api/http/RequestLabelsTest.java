package io.staticpod.mirror.api.http;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class RequestLabelsTest {
    @ParameterizedTest
    @CsvSource({
            "GET,    /api/v1/nodes/node-1,                                                     get,    nodes",
            "POST,   /api/v1/nodes,                                                            create, nodes",
            "PATCH,  /api/v1/nodes/node-1/status,                                              patch,  nodes/status",
            "POST,   /api/v1/namespaces/default/pods,                                          create, pods",
            "GET,    /api/v1/namespaces/default/pods/web-node-1,                               get,    pods",
            "PATCH,  /api/v1/namespaces/default/pods/web-node-1/status,                        patch,  pods/status",
            "DELETE, /api/v1/namespaces/default/pods/web-node-1,                               delete, pods",
            "GET,    /api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1,                        list,   pods",
            "GET,    /api/v1/pods?fieldSelector=spec.nodeName%3Dnode-1&watch=true&timeoutSeconds=600, watch, pods",
            "PATCH,  /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/node-1,    patch,  leases",
            "POST,   /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases,           create, leases",
            "PATCH,  /api/v1/namespaces/default/events/web-node-1.17a,                        patch,  events",
            "GET,    /api/v1/namespaces/default,                                               get,    namespaces",
            "POST,   /apis/authentication.k8s.io/v1/tokenreviews,                              create, tokenreviews",
            "GET,    /version,                                                                 get,    other",
    })
    void namesTheVerbAndResourceAsTheApiServerDoes(String method, String path, String verb, String resource) {
        RequestLabels labels = RequestLabels.of(method, URI.create("https://10.0.0.1:6443" + path));
        assertThat(labels).isEqualTo(new RequestLabels(verb, resource));
    }
}
