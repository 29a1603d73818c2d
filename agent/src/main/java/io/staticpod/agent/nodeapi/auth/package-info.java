/**
 * Who is asking and whether they may, as the kubelet decides for its node API: {@link
 * io.staticpod.agent.nodeapi.auth.Authenticator} (a client certificate of the client CA, else a bearer token reviewed by
 * the API server, else anonymous when enabled) and {@link io.staticpod.agent.nodeapi.auth.Authorizer} (a
 * SubjectAccessReview on {@code nodes/<subresource>} of this node, or AlwaysAllow), both with bounded caches on an
 * injected clock. Tokens are only ever kept as their SHA-256, and never logged.
 */
package io.staticpod.agent.nodeapi.auth;
