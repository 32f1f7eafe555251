package dev.consulmesh.gateway.news;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NodeHeaderTest {

    @Test
    void aPlainIdIsSentAsItIs() {
        assertThat(NodeHeader.value("push-service-10.0.0.7-3001")).isEqualTo("push-service-10.0.0.7-3001");
    }

    @Test
    void anythingAHeaderCannotHoldIsPercentEncoded() {
        assertThat(NodeHeader.value("evil\r\nSet-Cookie: a=b")).isEqualTo("evil%0D%0ASet-Cookie:%20a=b");
        assertThat(NodeHeader.value("caf\u00e9 100%")).isEqualTo("caf%C3%A9%20100%25");
    }

    @Test
    void aHugeIdIsCut() {
        assertThat(NodeHeader.value("\n".repeat(10_000))).hasSizeLessThanOrEqualTo(NodeHeader.MAX_LENGTH).startsWith("%0A%0A");
    }
}
