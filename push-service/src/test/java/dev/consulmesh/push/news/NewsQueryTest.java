package dev.consulmesh.push.news;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.MissingNode;
import tools.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NewsQueryTest {

    private static final long NOW = 1_763_400_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static NewsQuery parse(String json) throws Exception {
        return NewsQuery.fromPayload(JSON.readTree(json), NOW);
    }

    @Test
    void bareNumberIsLatestTime() throws Exception {
        assertThat(parse("1712345678901")).isEqualTo(new NewsQuery(1_712_345_678_901L, null, 20));
    }

    @Test
    void bareNumberWithoutFractionIsAccepted() throws Exception {
        assertThat(parse("1712345678901.0").latestTime()).isEqualTo(1_712_345_678_901L);
    }

    @Test
    void bareStringOfDigitsIsLatestTime() throws Exception {
        assertThat(parse("\"1712345678901\"")).isEqualTo(new NewsQuery(1_712_345_678_901L, null, 20));
    }

    @Test
    void objectWithEveryField() throws Exception {
        assertThat(parse("{\"latestTime\": 1712345678901, \"beforeId\": \"00ff00ff00ff00ff\", \"limit\": 5}"))
                .isEqualTo(new NewsQuery(1_712_345_678_901L, "00ff00ff00ff00ff", 5));
    }

    @Test
    void objectFieldsAreOptionalAndUnknownFieldsIgnored() throws Exception {
        assertThat(parse("{}")).isEqualTo(new NewsQuery(NOW, null, NewsQuery.DEFAULT_LIMIT));
        assertThat(parse("{\"latestTime\": null, \"beforeId\": null, \"limit\": null, \"client\": \"web\"}"))
                .isEqualTo(new NewsQuery(NOW, null, NewsQuery.DEFAULT_LIMIT));
        assertThat(parse("{\"limit\": \"100\"}")).isEqualTo(new NewsQuery(NOW, null, 100));
    }

    @Test
    void noDataMeansTheFirstPageBeforeNow() {
        NewsQuery expected = new NewsQuery(NOW, null, NewsQuery.DEFAULT_LIMIT);
        assertThat(NewsQuery.fromPayload(null, NOW)).isEqualTo(expected);
        assertThat(NewsQuery.fromPayload(NullNode.getInstance(), NOW)).isEqualTo(expected);
        assertThat(NewsQuery.fromPayload(MissingNode.getInstance(), NOW)).isEqualTo(expected);
    }

    @Test
    void latestTimeThatIsNotANumberIsNamedWithTheValueSent() {
        assertThatThrownBy(() -> parse("\"abc\""))
                .isInstanceOf(InvalidNewsQueryException.class)
                .hasMessage("latestTime must be a non-negative integer (epoch milliseconds), got \"abc\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1.5", "\"-5\"", "\"12a\"", "\"\"", "99999999999999999999999",
            "{\"latestTime\": -1}", "{\"latestTime\": \"soon\"}", "{\"latestTime\": [1]}", "{\"latestTime\": 2.25}"})
    void invalidLatestTimeIsNamed(String json) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidNewsQueryException.class)
                .hasMessageStartingWith("latestTime must be a non-negative integer (epoch milliseconds), got ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-3", "2.5", "\"many\"", "false", "{}"})
    void invalidLimitIsNamed(String limit) {
        assertThatThrownBy(() -> parse("{\"limit\": " + limit + "}"))
                .isInstanceOf(InvalidNewsQueryException.class)
                .hasMessage("limit must be an integer from 1 to 100, got "
                        + (limit.equals("{}") ? "an object {}" : limit));
    }

    @ParameterizedTest
    @ValueSource(strings = {"42", "true", "[\"a\"]", "{\"id\": \"a\"}"})
    void beforeIdThatIsNotAStringIsNamed(String beforeId) {
        assertThatThrownBy(() -> parse("{\"latestTime\": 5, \"beforeId\": " + beforeId + "}"))
                .isInstanceOf(InvalidNewsQueryException.class)
                .hasMessageStartingWith("beforeId must be a string")
                .hasMessageContaining("got ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1712345678901]", "true"})
    void dataOfAnotherShapeIsNamed(String json) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOf(InvalidNewsQueryException.class)
                .hasMessageStartingWith(
                        "data must be a number (latestTime) or an object {latestTime, beforeId, limit}");
    }

    @Test
    void arrayDataSaysWhatShapeIsExpected() {
        assertThatThrownBy(() -> parse("[1712345678901]"))
                .hasMessage("data must be a number (latestTime) or an object {latestTime, beforeId, limit}, "
                        + "got an array [1712345678901]");
    }

    @Test
    void longValuesAreShortenedInTheMessage() {
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> parse("\"" + huge + "\""))
                .hasMessageEndingWith("...")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void constructorRejectsWhatThePayloadWouldToo() {
        assertThatThrownBy(() -> new NewsQuery(-1, null, 5)).hasMessageStartingWith("latestTime ");
        assertThatThrownBy(() -> new NewsQuery(0, null, 0)).hasMessageStartingWith("limit ");
    }

    @Test
    void afterBuildsTheCursorOfTheNextPage() {
        NewsItem last = new NewsItem("abc", "t", "", "", "s", 77);
        assertThat(NewsQuery.firstPage(NOW, 7).after(last)).isEqualTo(new NewsQuery(77, "abc", 7));
    }
}
