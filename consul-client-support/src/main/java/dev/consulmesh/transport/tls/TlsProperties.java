package dev.consulmesh.transport.tls;

/**
 * TLS on the TCP transport: on a node's server ({@code push.tcp.tls.*} or {@code mesh.tcp.tls.*}) and on
 * a caller's clients ({@code mesh.client.tls.*}). The certificates and keys come either from a Spring Boot
 * SSL bundle ({@link #bundle}, which can reload them on update) or from PEM files: keys PEM PKCS#8
 * ({@code BEGIN PRIVATE KEY}, or {@code BEGIN ENCRYPTED PRIVATE KEY} with a password), certificates PEM
 * X.509, the own certificate first, then its chain. {@link TlsSetup} decides which.
 */
public class TlsProperties {

    /** Whether the transport speaks TLS. Both sides of a connection must agree. */
    private boolean enabled;

    /**
     * Name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.pem.<name>.*} or {@code .jks.<name>.*})
     * holding this side's certificate and key (keystore) and the certificates to trust (truststore).
     * With the bundle's {@code reload-on-update: true}, an updated certificate is used for new connections
     * without a restart. Instead of the PEM file settings below, not beside them.
     */
    private String bundle;

    /** PEM file with this side's certificate and its chain: the server's, or a client's for mutual TLS. */
    private String certificate;

    /** PEM PKCS#8 file with the private key of {@link #certificate}. */
    private String privateKey;

    /** Password of an encrypted PKCS#8 key (from configuration or the environment, never from code). */
    private String privateKeyPassword;

    /**
     * PEM file with the certificates to trust: on a server, the CA that signs client certificates; on a
     * client, the CA that signs node certificates. Empty on a client: the JVM's default trust store.
     */
    private String trustedCertificates;

    /** Server only: whether clients must present a certificate the server trusts (mutual TLS). */
    private ClientAuth clientAuth = ClientAuth.NONE;

    /** Client only: whether the node's certificate must name the address connected to (a SAN IP or DNS name). */
    private boolean verifyHostname = true;

    public enum ClientAuth { NONE, OPTIONAL, REQUIRE }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBundle() {
        return bundle;
    }

    public void setBundle(String bundle) {
        this.bundle = bundle;
    }

    public String getCertificate() {
        return certificate;
    }

    public void setCertificate(String certificate) {
        this.certificate = certificate;
    }

    public String getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(String privateKey) {
        this.privateKey = privateKey;
    }

    public String getPrivateKeyPassword() {
        return privateKeyPassword;
    }

    public void setPrivateKeyPassword(String privateKeyPassword) {
        this.privateKeyPassword = privateKeyPassword;
    }

    public String getTrustedCertificates() {
        return trustedCertificates;
    }

    public void setTrustedCertificates(String trustedCertificates) {
        this.trustedCertificates = trustedCertificates;
    }

    public ClientAuth getClientAuth() {
        return clientAuth;
    }

    public void setClientAuth(ClientAuth clientAuth) {
        this.clientAuth = clientAuth;
    }

    public boolean isVerifyHostname() {
        return verifyHostname;
    }

    public void setVerifyHostname(boolean verifyHostname) {
        this.verifyHostname = verifyHostname;
    }
}
