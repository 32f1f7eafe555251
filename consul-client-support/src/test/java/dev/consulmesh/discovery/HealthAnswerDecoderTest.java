package dev.consulmesh.discovery;

import dev.consulmesh.consul.internal.ConsulHealthApi;
import org.junit.jupiter.api.Test;
import org.springframework.http.converter.HttpMessageNotReadableException;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoder of Consul's health answer: entries found by their bytes, strings and nesting followed. */
class HealthAnswerDecoderTest {

    private static String entry(String id, String tag) {
        return """
                {"Node":{"Node":"n1","Address":"10.0.0.1","Datacenter":"dc1"},
                 "Service":{"ID":"%s","Service":"svc","Tags":[%s],"Port":4001,"Meta":{"k":"}]{[\\\\\\""}},
                 "Checks":[{"CheckID":"serfHealth","Status":"passing","Output":"ok ] } {"}]}"""
                .formatted(id, tag);
    }

    private static byte[] body(String... entries) {
        return ("[\n" + String.join(",\n", entries) + "\n]").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesEveryEntryOnceAndTakesUnchangedOnesAgainAsTheSameObjects() {
        HealthAnswerDecoder decoder = new HealthAnswerDecoder();
        List<ConsulHealthApi.Entry> first = decoder.decode(body(entry("a", "\"x\""), entry("b", ""), entry("c", "")));
        assertThat(first).extracting(e -> e.service().id()).containsExactly("a", "b", "c");
        assertThat(first.get(0).service().meta()).containsEntry("k", "}]{[\\\"");
        assertThat(decoder.decodedLast()).isEqualTo(3);

        List<ConsulHealthApi.Entry> second = decoder.decode(body(entry("a", "\"x\""), entry("b", "\"y\""), entry("c", "")));
        assertThat(decoder.decodedLast()).isEqualTo(1);
        assertThat(second.get(0)).isSameAs(first.get(0));
        assertThat(second.get(1)).isNotSameAs(first.get(1));
        assertThat(second.get(1).service().tags()).containsExactly("y");
        assertThat(second.get(2)).isSameAs(first.get(2));
    }

    @Test
    void anEmptyOrNullAnswerHasNoEntries() {
        HealthAnswerDecoder decoder = new HealthAnswerDecoder();
        assertThat(decoder.decode("[]".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decoder.decode(" null ".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(decoder.decode(new byte[0])).isEmpty();
    }

    @Test
    void whatIsNotAnArrayOfEntriesIsUnreadable() {
        HealthAnswerDecoder decoder = new HealthAnswerDecoder();
        for (String bad : List.of("<html>", "{\"a\":1}", "[1,2]", "[{\"Service\":", "[{}]]", "[{\"Service\":{\"Port\":\"x\"}}]")) {
            assertThatThrownBy(() -> decoder.decode(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(HttpMessageNotReadableException.class);
        }
    }
}
