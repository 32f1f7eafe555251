package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.AclToken;
import dev.consulmesh.consul.ConsulAgent;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.core.env.Environment;

/**
 * The Consul agent as Spring Cloud Consul configured it (spring.cloud.consul.host/port/scheme/path/tls),
 * with the ACL token every call of the mesh passes: spring.cloud.consul.discovery.acl-token, else
 * spring.cloud.consul.token, else CONSUL_TOKEN, else CONSUL_HTTP_TOKEN (Consul's CLI's); CONSUL_CACERT
 * as its trust when Spring Cloud Consul's TLS settings give none.
 */
final class ConsulAccess {

    private static final String[] TOKEN_PROPERTIES = {
            "spring.cloud.consul.discovery.acl-token", "spring.cloud.consul.token", "CONSUL_TOKEN", "CONSUL_HTTP_TOKEN"};

    static final String CA_CERT = "CONSUL_CACERT";

    private ConsulAccess() {
    }

    /**
     * @param settings the HTTP client settings Spring Cloud Consul built from its properties (its TLS
     *                 bundle), or null for plain ones
     */
    static ConsulAgent agent(ConsulProperties properties, HttpClientSettings settings, Environment environment) {
        return new ConsulAgent(ConsulAutoConfiguration.createConsulClientBaseUrl(properties),
                withCaCert(settings, environment), token(environment));
    }

    /**
     * {@code CONSUL_CACERT}, the PEM file of the CA Consul's CLI trusts for an https agent, as the trust of
     * the mesh's Consul calls — unless {@code spring.cloud.consul.tls.*} already gave them a trust store.
     */
    static HttpClientSettings withCaCert(HttpClientSettings settings, Environment environment) {
        String caCert = environment.getProperty(CA_CERT);
        if (caCert == null || caCert.isBlank() || (settings != null && settings.sslBundle() != null)) {
            return settings;
        }
        SslBundle trust;
        try {
            trust = SslBundle.of(new PemSslStoreBundle(null, PemSslStoreDetails.forCertificates("file:" + caCert.trim())));
            trust.getStores().getTrustStore(); // read now: a wrong file fails start-up, not the first Consul call
        } catch (RuntimeException e) {
            throw new IllegalStateException(CA_CERT + "=" + caCert + " cannot be read as PEM certificates of a CA: "
                    + e.getMessage() + " (give the CA file Consul's CLI uses, or unset " + CA_CERT + ")", e);
        }
        return (settings != null ? settings : HttpClientSettings.defaults()).withSslBundle(trust);
    }

    static AclToken token(Environment environment) {
        for (String property : TOKEN_PROPERTIES) {
            String value = environment.getProperty(property);
            if (value != null && !value.isBlank()) {
                return AclToken.of(value, property);
            }
        }
        return AclToken.none();
    }
}
