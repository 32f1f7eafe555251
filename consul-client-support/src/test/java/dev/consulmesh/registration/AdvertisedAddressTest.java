package dev.consulmesh.registration;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdvertisedAddressTest {

    @Test
    void aConfiguredAddressWins() {
        assertThat(AdvertisedAddress.resolve(" 10.1.2.3 ", "push.tcp.advertised-host")).isEqualTo("10.1.2.3");
    }

    @Test
    void theDefaultIsANonLoopbackIpv4AddressOfThisHostOrAnErrorNamingTheProperty() throws Exception {
        try {
            String address = AdvertisedAddress.resolve(null, "push.tcp.advertised-host");
            InetAddress parsed = InetAddress.getByName(address); // a literal: no lookup, no traffic
            assertThat(parsed).isInstanceOf(Inet4Address.class);
            assertThat(parsed.isLoopbackAddress()).isFalse();
        } catch (IllegalStateException noAddress) {
            assertThat(noAddress).hasMessageContaining("push.tcp.advertised-host");
        }
    }

    @Test
    void recognisesLoopbackAndWildcardAddresses() {
        assertThat(AdvertisedAddress.isLoopback("127.0.0.1")).isTrue();
        assertThat(AdvertisedAddress.isLoopback("127.1.2.3")).isTrue();
        assertThat(AdvertisedAddress.isLoopback("localhost")).isTrue();
        assertThat(AdvertisedAddress.isLoopback("::1")).isTrue();
        assertThat(AdvertisedAddress.isLoopback("10.0.0.5")).isFalse();
        assertThat(AdvertisedAddress.isWildcard("0.0.0.0")).isTrue();
        assertThat(AdvertisedAddress.isWildcard("127.0.0.1")).isFalse();
    }

    @Test
    void theDefaultInstanceIdIsNameHostPortWithCharactersConsulKeeps() {
        assertThat(ServiceRegistration.defaultInstanceId("push-service", "10.0.0.5", 3001)).isEqualTo("push-service-10.0.0.5-3001");
        assertThat(ServiceRegistration.defaultInstanceId("push service", "fe80::1", 3001)).isEqualTo("push-service-fe80--1-3001");
    }
}
