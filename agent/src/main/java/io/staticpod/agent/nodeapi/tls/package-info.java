/**
 * The node API's TLS: its serving certificate ({@code tlsCertFile}/{@code tlsPrivateKeyFile}, else a self-signed one
 * made once under {@code <root-dir>/pki} as the kubelet makes its own), the client CA whose certificates
 * authenticate, and the protocol versions and cipher suites offered. PEM files are read with BouncyCastle, which
 * reads every key format kubeadm and openssl write (PKCS#1, SEC1, PKCS#8); the JDK reads PKCS#8 only.
 */
package io.staticpod.agent.nodeapi.tls;
