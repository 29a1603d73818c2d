package io.staticpod.mirror.api.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * The Kubernetes verb and resource of a request, from its method and path, as the API server names them in its own
 * metrics: {@code GET /api/v1/namespaces/ns/pods/web} is {@code get pods}, {@code PATCH .../pods/web/status} is
 * {@code patch pods/status}, {@code GET /api/v1/pods?watch=true} is {@code watch pods}. A path that names no resource
 * is {@code other}. Stateless.
 */
record RequestLabels(String verb, String resource) {
    static final String OTHER = "other";

    static RequestLabels of(String method, URI uri) {
        List<String> p = List.of(uri.getRawPath() == null ? new String[0] : uri.getRawPath().replaceAll("^/+|/+$", "")
                .split("/+"));
        int i;
        if (p.size() >= 2 && p.get(0).equals("api")) {
            i = 2; // api/v1/...
        } else if (p.size() >= 3 && p.get(0).equals("apis")) {
            i = 3; // apis/<group>/<version>/...
        } else {
            return new RequestLabels(method.toLowerCase(Locale.ROOT), OTHER);
        }
        if (p.size() > i + 2 && p.get(i).equals("namespaces")) {
            i += 2; // namespaces/<ns>/<resource>...
        }
        if (p.size() <= i) {
            return new RequestLabels(method.toLowerCase(Locale.ROOT), OTHER);
        }
        String resource = p.get(i);
        boolean named = p.size() > i + 1;
        if (p.size() > i + 2) {
            resource += "/" + p.get(i + 2);
        }
        return new RequestLabels(verb(method, named, uri.getRawQuery()), resource);
    }

    private static String verb(String method, boolean named, String query) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET" -> named ? "get" : isWatch(query) ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    private static boolean isWatch(String query) {
        if (query == null) {
            return false;
        }
        for (String param : query.split("&")) {
            if (param.equals("watch=true") || param.equals("watch=1")) {
                return true;
            }
        }
        return false;
    }
}
