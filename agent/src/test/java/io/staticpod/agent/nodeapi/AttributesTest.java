package io.staticpod.agent.nodeapi;

import io.staticpod.agent.nodeapi.auth.Attributes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class AttributesTest {
    @ParameterizedTest(name = "{0} /{1} needs {2} nodes/{3}")
    @CsvSource({
            "GET, stats, get, stats",
            "GET, metrics, get, metrics",
            "GET, logs, get, log",
            "GET, containerLogs, get, proxy",
            "GET, pods, get, proxy",
            "GET, healthz, get, proxy",
            "HEAD, pods, get, proxy",
            "POST, pods, create, proxy",
            "PUT, pods, update, proxy",
            "PATCH, pods, patch, proxy",
            "DELETE, pods, delete, proxy",
            // beyond the kubelet: the interactive ones need create whatever the method (a WebSocket upgrade is a GET)
            "GET, exec, create, proxy",
            "GET, attach, create, proxy",
            "GET, portForward, create, proxy",
            "GET, run, create, proxy",
            "POST, exec, create, proxy",
    })
    void mapsMethodAndFirstSegmentAsTheKubeletDoes(String method, String segment, String verb, String subresource) {
        assertThat(Attributes.of(method, segment)).isEqualTo(new Attributes(verb, subresource));
    }

    @ParameterizedTest
    @CsvSource({"OPTIONS", "TRACE", "CONNECT", "get"})
    void otherMethodsAreNotTaken(String method) {
        assertThat(Attributes.of(method, "pods")).isNull();
    }
}
