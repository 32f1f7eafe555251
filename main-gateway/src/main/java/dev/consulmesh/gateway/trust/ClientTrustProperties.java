package dev.consulmesh.gateway.trust;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.util.List;

/**
 * Whom the gateway trusts among its HTTP clients. By default no one: a client's routing hints (the
 * headers in {@code forwarded-headers}, such as a canary header) and its trace context
 * ({@code traceparent}, {@code b3}...: the sampling decision) are dropped before the request is served.
 * A client is trusted when it connects from one of {@code trusted-networks}, or sends
 * {@code secret-header} with {@code secret} (from the environment or a secret store, never from code).
 */
@Validated
@ConfigurationProperties("gateway.trust")
public class ClientTrustProperties {

    /**
     * Networks whose clients are trusted, in CIDR ("10.0.0.0/8", "fd00::/8") or as single addresses.
     * The address is the TCP peer's: behind a proxy or load balancer that is the proxy, so use the
     * secret header there instead.
     */
    @NotNull
    private List<String> trustedNetworks = List.of();

    /** Header a trusted client (or the proxy in front of the gateway) sends {@code secret} in; never forwarded. */
    @NotNull
    @Pattern(regexp = "[A-Za-z0-9-]{1,64}", message = "must be a header name: letters, digits and '-'")
    private String secretHeader = "X-Gateway-Trust";

    /** The secret that makes a request trusted; unset: no request is trusted for a secret. At least 16 characters. */
    @Size(min = 16, max = 256, message = "must be 16 to 256 characters: a short secret can be guessed")
    private String secret;

    /**
     * Request headers handed to the mesh calls made for a request (a canary rule's header reads them), and
     * only from trusted clients; every other header stays at the edge.
     */
    @NotNull
    private List<@Pattern(regexp = "[A-Za-z0-9-]{1,64}", message = "must be a header name: letters, digits and '-'") String>
            forwardedHeaders = List.of();

    public List<String> getTrustedNetworks() {
        return trustedNetworks;
    }

    public void setTrustedNetworks(List<String> trustedNetworks) {
        this.trustedNetworks = trustedNetworks;
    }

    public String getSecretHeader() {
        return secretHeader;
    }

    public void setSecretHeader(String secretHeader) {
        this.secretHeader = secretHeader;
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret;
    }

    public List<String> getForwardedHeaders() {
        return forwardedHeaders;
    }

    public void setForwardedHeaders(List<String> forwardedHeaders) {
        this.forwardedHeaders = forwardedHeaders;
    }
}
