/**
 * Metering of every request the mirror client makes to the API server: fabric8's JDK HTTP client built on a
 * {@link java.net.http.HttpClient} that reports each request's verb, resource, duration and answer to an
 * {@link io.staticpod.mirror.ApiRequestListener}.
 */
package io.staticpod.mirror.api.http;
