package dev.consulmesh.gateway.trust;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Whom the edge trusts, and what an untrusted client's request loses before the gateway serves it. */
class ClientTrustTest {

    private static final String SECRET = "s3cret-from-the-environment";

    private static ClientTrust trust(List<String> networks, String secret) {
        ClientTrustProperties properties = new ClientTrustProperties();
        properties.setTrustedNetworks(networks);
        properties.setSecret(secret);
        properties.setForwardedHeaders(List.of("X-Canary"));
        return new ClientTrust(properties);
    }

    private static MockServerHttpRequest.BaseBuilder<?> from(String address) {
        return MockServerHttpRequest.get("/fetchLatestNews").remoteAddress(new InetSocketAddress(address, 40_000))
                .header("X-Canary", "1").header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("X-B3-Sampled", "1").header("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")
                .header("Accept", "application/json");
    }

    @Test
    void byDefaultNoClientSteersItsCallsOrItsSampling() {
        ServerHttpRequest screened = trust(List.of(), null).screen(from("127.0.0.1").build());

        assertThat(screened.getHeaders().headerNames()).containsExactly("Accept");
    }

    @Test
    void aClientFromATrustedNetworkKeepsItsHints() {
        ClientTrust trust = trust(List.of("10.0.0.0/8", "fd00::/8"), null);

        MockServerHttpRequest inside = from("10.1.2.3").build();
        assertThat(trust.screen(inside)).isSameAs(inside);
        assertThat(trust.screen(from("fd12::7").build()).getHeaders().getFirst("X-Canary")).isEqualTo("1");
        assertThat(trust.screen(from("11.0.0.1").build()).getHeaders().containsHeader("X-Canary")).isFalse();
        assertThat(trust.screen(from("fe80::1").build()).getHeaders().containsHeader("traceparent")).isFalse();
    }

    @Test
    void aClientWithTheSecretKeepsItsHintsAndTheSecretGoesNoFurther() {
        ClientTrust trust = trust(List.of(), SECRET);

        ServerHttpRequest withSecret = trust.screen(from("203.0.113.9").header("X-Gateway-Trust", SECRET).build());
        assertThat(withSecret.getHeaders().getFirst("X-Canary")).isEqualTo("1");
        assertThat(withSecret.getHeaders().getFirst("traceparent")).isNotNull();
        assertThat(withSecret.getHeaders().containsHeader("X-Gateway-Trust")).isFalse();

        ServerHttpRequest wrongSecret = trust.screen(from("203.0.113.9").header("X-Gateway-Trust", SECRET + "x").build());
        assertThat(wrongSecret.getHeaders().headerNames()).containsExactly("Accept");
    }

    /** What a tracer reads below WebFlux: the same headers {@link ClientTrust#screen} would leave, asked for by name. */
    @Test
    void screenedHeadersLeaveWhatScreenLeavesInAnyCase() {
        ClientTrust trust = trust(List.of("10.0.0.0/8"), SECRET);
        for (String address : List.of("10.1.2.3", "203.0.113.9")) {
            for (boolean withSecret : List.of(false, true)) {
                MockServerHttpRequest.BaseBuilder<?> builder = from(address);
                if (withSecret) {
                    builder.header("X-Gateway-Trust", SECRET);
                }
                MockServerHttpRequest request = builder.build();
                HttpHeaders left = trust.screen(request).getHeaders();
                UnaryOperator<String> screened = trust.screened(request.getRemoteAddress(), request.getHeaders()::getFirst);
                for (String name : List.of("X-Canary", "traceparent", "TRACEPARENT", "x-b3-sampled", "b3", "Accept",
                        "X-Gateway-Trust", "x-gateway-trust")) {
                    assertThat(screened.apply(name)).as("%s from %s, secret %s", name, address, withSecret)
                            .isEqualTo(left.getFirst(name));
                }
            }
        }
        UnaryOperator<String> outside = trust.screened(new InetSocketAddress("203.0.113.9", 1), name -> "given");
        assertThat(outside.apply("traceparent")).isNull();
        assertThat(outside.apply("Accept")).isEqualTo("given");
        UnaryOperator<String> inside = trust.screened(new InetSocketAddress("10.9.9.9", 1), name -> "given");
        assertThat(inside.apply("traceparent")).isEqualTo("given");
        assertThat(inside.apply("X-Gateway-Trust")).isNull();
    }

    @Test
    void trustedNetworksRefuseTheNativeForwardedHeadersStrategyAndAShortSecretIsRefused() {
        ClientTrustProperties properties = new ClientTrustProperties();
        properties.setTrustedNetworks(List.of("10.0.0.0/8"));
        MockEnvironment nativeForwarded = new MockEnvironment().withProperty("server.forward-headers-strategy", "native");
        assertThatThrownBy(() -> new UntrustedClients().clientTrust(properties, nativeForwarded))
                .hasMessageContaining("gateway.trust.trusted-networks").hasMessageContaining("X-Forwarded-For");
        assertThat(new UntrustedClients().clientTrust(properties, new MockEnvironment())).isNotNull();

        properties.setSecret("short");
        try (ValidatorFactory factory = Validation.buildDefaultValidatorFactory()) {
            assertThat(factory.getValidator().validate(properties)).extracting(v -> v.getPropertyPath().toString())
                    .containsExactly("secret");
        }
    }

    @Test
    void networksParseFromLiteralsOnlyAndNameTheSetting() {
        assertThat(TrustedNetwork.parse("192.168.1.0/24", "x").contains(new InetSocketAddress("192.168.1.200", 1).getAddress())).isTrue();
        assertThat(TrustedNetwork.parse("192.168.1.0/25", "x").contains(new InetSocketAddress("192.168.1.200", 1).getAddress())).isFalse();
        assertThat(TrustedNetwork.parse("0.0.0.0/0", "x").contains(new InetSocketAddress("8.8.8.8", 1).getAddress())).isTrue();
        assertThat(TrustedNetwork.parse("127.0.0.1", "x").contains(new InetSocketAddress("127.0.0.2", 1).getAddress())).isFalse();
        assertThatThrownBy(() -> trust(List.of("10.0.0.0/8", "gateway.example"), null))
                .hasMessageContaining("gateway.trust.trusted-networks[1]").hasMessageContaining("CIDR");
        assertThatThrownBy(() -> trust(List.of("10.0.0.0/33"), null)).hasMessageContaining("prefix length outside 0..32");
    }
}
