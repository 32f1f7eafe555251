package dev.consulmesh.push.news;

import static org.assertj.core.api.Assertions.assertThat;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NewsItemTest {

    @Test
    void serialisesWithExactlyTheDocumentedPropertyNames() throws Exception {
        NewsItem item = new NewsItem("0123456789abcdef", "Title", "Summary", "https://news.example.com/a",
                "Sample Newswire", 1_700_000_000_000L);

        JsonNode json = new ObjectMapper().valueToTree(item);

        List<String> names = new ArrayList<>();
        names.addAll(json.propertyNames());
        assertThat(names).containsExactlyInAnyOrder("id", "title", "summary", "url", "source", "publishedAt");
        assertThat(json.get("publishedAt").isIntegralNumber()).isTrue();
        assertThat(json.get("publishedAt").longValue()).isEqualTo(1_700_000_000_000L);
        assertThat(new ObjectMapper().treeToValue(json, NewsItem.class)).isEqualTo(item);
    }

    @Test
    void newestFirstOrdersByTimeThenIdDescending() {
        NewsItem older = new NewsItem("ffff", "", "", "", "s", 1);
        NewsItem tieLow = new NewsItem("aaaa", "", "", "", "s", 2);
        NewsItem tieHigh = new NewsItem("bbbb", "", "", "", "s", 2);

        List<NewsItem> sorted = new ArrayList<>(List.of(older, tieLow, tieHigh));
        sorted.sort(NewsItem.NEWEST_FIRST);

        assertThat(sorted).containsExactly(tieHigh, tieLow, older);
    }
}
