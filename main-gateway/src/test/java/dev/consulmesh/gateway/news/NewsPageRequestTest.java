package dev.consulmesh.gateway.news;

import org.junit.jupiter.api.Test;

import java.util.List;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NewsPageRequestTest {

    private static MultiValueMap<String, String> query(String... pairs) {
        MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.add(pairs[i], pairs[i + 1]);
        }
        return query;
    }

    @Test
    void defaultsToNowAndTheDefaultLimit() {
        assertThat(NewsPageRequest.from(query(), 1_700_000_000_000L, 20))
                .isEqualTo(new NewsPageRequest(1_700_000_000_000L, null, 20));
    }

    @Test
    void readsTheCursorAndLimit() {
        assertThat(NewsPageRequest.from(query("latestTime", "1699999999999", "beforeId", "a1b2c3", "limit", "5"), 0, 20))
                .isEqualTo(new NewsPageRequest(1_699_999_999_999L, "a1b2c3", 5));
    }

    @Test
    void namesTheParameterThatIsWrong() {
        assertThatThrownBy(() -> NewsPageRequest.from(query("latestTime", "yesterday"), 0, 20))
                .isInstanceOf(BadRequestException.class).hasMessageStartingWith("latestTime must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("latestTime", "-5"), 0, 20))
                .hasMessageStartingWith("latestTime must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("latestTime", "99999999999999999999"), 0, 20))
                .hasMessageStartingWith("latestTime must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", "0"), 0, 20))
                .hasMessageStartingWith("limit must be an integer from 1 to 100");
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", "101"), 0, 20))
                .hasMessageStartingWith("limit must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", "ten"), 0, 20))
                .hasMessageStartingWith("limit must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("latestTime", "1", "beforeId", "<script>"), 0, 20))
                .hasMessageStartingWith("beforeId must be");
        assertThatThrownBy(() -> NewsPageRequest.from(query("beforeId", "abc"), 0, 20))
                .hasMessageStartingWith("beforeId needs latestTime");
    }

    @Test
    void aRepeatedParameterIsRejected() {
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", "5", "limit", "6"), 0, 20))
                .isInstanceOf(BadRequestException.class).hasMessage("limit must be given once, got it 2 times");
    }

    @Test
    void anUnknownParameterIsRejectedNamingItRatherThanIgnored() {
        assertThatThrownBy(() -> NewsPageRequest.from(query("limt", "5"), 0, 20))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("unknown parameter 'limt': fetchLatestNews takes latestTime, beforeId and limit");
        assertThatThrownBy(() -> NewsPageRequest.from(query("x".repeat(10_000), "1"), 0, 20))
                .hasMessageStartingWith("unknown parameter '" + "x".repeat(37) + "...'");
        assertThatThrownBy(() -> NewsPageRequest.from(query("a\u0000b", "1"), 0, 20))
                .hasMessageStartingWith("unknown parameter 'a?b'");
    }

    @Test
    void aParameterWithoutAValueIsRejected() {
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", null), 0, 20))
                .isInstanceOf(BadRequestException.class).hasMessage("limit needs a value (limit=...)");
        assertThatThrownBy(() -> NewsPageRequest.from(query("limit", ""), 0, 20))
                .hasMessageStartingWith("limit must be an integer from 1 to 100, got ''");
    }

    @Test
    void aParameterWithoutANameIsRejectedFromTheRawQuery() {
        for (String raw : List.of("=", "=5", "&&&", "limit=5&", "&limit=5", "limit=5&&beforeId=a")) {
            assertThatThrownBy(() -> NewsPageRequest.from(raw, query(), 0, 20))
                    .as(raw).isInstanceOf(BadRequestException.class).hasMessageStartingWith("a query parameter has no name");
        }
        assertThat(NewsPageRequest.from("limit=5", query("limit", "5"), 0, 20).limit()).isEqualTo(5);
        assertThat(NewsPageRequest.from("", query(), 0, 20).limit()).isEqualTo(20);
    }
}
