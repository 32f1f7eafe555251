package dev.consulmesh.push.news;

import static dev.consulmesh.push.news.TestFeeds.item;
import static dev.consulmesh.push.news.TestFeeds.rss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedSourceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Instant T = Instant.parse("2026-11-17T10:00:00Z");

    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void bundledFeedLoadsWithTiesAndStableLookingIds() {
        List<NewsItem> items = new FeedSource("classpath:feeds/sample-news.xml", TIMEOUT).load();

        assertThat(items).hasSizeBetween(55, 70);
        assertThat(items).allSatisfy(item -> {
            assertThat(item.id()).matches("[0-9a-f]{16}");
            assertThat(item.title()).isNotBlank();
            assertThat(item.summary()).isNotBlank().doesNotContain("<", ">");
            assertThat(item.url()).startsWith("https://news.example.com/");
            assertThat(item.source()).isNotBlank();
            assertThat(item.publishedAt()).isPositive();
        });
        assertThat(items).extracting(NewsItem::id).doesNotHaveDuplicates();
        Map<Long, Long> perTimestamp = items.stream()
                .collect(Collectors.groupingBy(NewsItem::publishedAt, Collectors.counting()));
        assertThat(perTimestamp.values()).as("items sharing a pubDate").anySatisfy(n -> assertThat(n).isGreaterThan(2));
        assertThat(items).extracting(NewsItem::source)
                .contains("Consul Mesh Sample Newswire", "Ocean Science Weekly");
    }

    @Test
    void idsAreTheSameAcrossIndependentLoads() throws Exception {
        List<NewsItem> first = new FeedSource("classpath:feeds/sample-news.xml", TIMEOUT).load();
        List<NewsItem> second = new FeedSource("classpath:feeds/sample-news.xml", TIMEOUT).load();
        // The same document read from a file, as another node configured differently would read it.
        Path copy = dir.resolve("copy.xml");
        try (var in = FeedSourceTest.class.getClassLoader().getResourceAsStream("feeds/sample-news.xml")) {
            Files.copy(in, copy);
        }
        List<NewsItem> fromFile = new FeedSource(copy.toString(), TIMEOUT).load();

        assertThat(second).isEqualTo(first);
        assertThat(fromFile).extracting(NewsItem::id).isEqualTo(first.stream().map(NewsItem::id).toList());
    }

    @Test
    void idFallsBackFromGuidToLinkToTitleAndTime() throws Exception {
        Path feed = write("feed.xml", rss("Wire",
                item("guid-1", "With guid", "https://news.example.com/1", T),
                item(null, "Link only", "https://news.example.com/2", T),
                item(null, "Title only", null, T)));
        Path sameKeysOtherText = write("other.xml", rss("Other wire",
                item("guid-1", "Renamed", "https://news.example.com/elsewhere", T.plusSeconds(60)),
                item(null, "Link only, renamed", "https://news.example.com/2", T.plusSeconds(60)),
                item(null, "Title only", null, T)));

        List<NewsItem> a = new FeedSource(feed.toString(), TIMEOUT).load();
        List<NewsItem> b = new FeedSource(sameKeysOtherText.toString(), TIMEOUT).load();

        assertThat(b).extracting(NewsItem::id).isEqualTo(a.stream().map(NewsItem::id).toList());
        assertThat(a).extracting(NewsItem::id).doesNotHaveDuplicates();
    }

    @Test
    void entriesWithoutADateAreSkipped() throws Exception {
        Path feed = write("feed.xml", rss("Wire",
                item("dated", "Dated", "https://news.example.com/1", T),
                item("undated", "Undated", "https://news.example.com/2", null)));

        List<NewsItem> items = new FeedSource(feed.toString(), TIMEOUT).load();

        assertThat(items).extracting(NewsItem::title).containsExactly("Dated");
        assertThat(items.get(0).publishedAt()).isEqualTo(T.toEpochMilli());
    }

    @Test
    void htmlDescriptionsBecomePlainText() throws Exception {
        String entry = """
                    <item>
                      <title>Markup</title>
                      <guid>m</guid>
                      <pubDate>%s</pubDate>
                      <description>&lt;p&gt;Fish &amp;amp; chips,&lt;br/&gt;  now &amp;#8364;5&lt;/p&gt;</description>
                    </item>""".formatted(TestFeeds.rfc822(T));
        Path feed = write("feed.xml", rss("Wire", entry));

        assertThat(new FeedSource(feed.toString(), TIMEOUT).load().get(0).summary())
                .isEqualTo("Fish & chips, now €5");
    }

    @Test
    void readsAtomFeedsUsingUpdatedWhenThereIsNoPublished() throws Exception {
        Path feed = write("feed.atom", """
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom">
                  <title>Atom Wire</title>
                  <id>urn:example:atom-wire</id>
                  <updated>2026-11-17T10:00:00Z</updated>
                  <entry>
                    <title>Atom story</title>
                    <id>urn:example:atom-wire:1</id>
                    <link href="https://news.example.org/atom/1"/>
                    <updated>2026-11-17T09:30:00Z</updated>
                    <summary type="text">Plain &lt;text&gt; stays as written.</summary>
                  </entry>
                </feed>
                """);

        List<NewsItem> items = new FeedSource(feed.toUri().toString(), TIMEOUT).load();

        assertThat(items).singleElement().satisfies(item -> {
            assertThat(item.title()).isEqualTo("Atom story");
            assertThat(item.url()).isEqualTo("https://news.example.org/atom/1");
            assertThat(item.source()).isEqualTo("Atom Wire");
            assertThat(item.summary()).isEqualTo("Plain <text> stays as written.");
            assertThat(item.publishedAt()).isEqualTo(Instant.parse("2026-11-17T09:30:00Z").toEpochMilli());
        });
    }

    @Test
    void externalEntitiesAreNeverResolved() throws Exception {
        Path secret = write("secret.txt", "top secret");
        Path feed = write("xxe.xml", """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE rss [ <!ENTITY leak SYSTEM "%s"> ]>
                <rss version="2.0"><channel><title>&leak;</title><link>https://news.example.com/</link>
                <description>x</description></channel></rss>
                """.formatted(secret.toUri()));

        assertThatThrownBy(() -> new FeedSource(feed.toString(), TIMEOUT).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageContaining(feed.toString())
                .hasMessageContaining("not a readable RSS or Atom document")
                .hasMessageNotContaining("top secret");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.xml");

        assertThatThrownBy(() -> new FeedSource(missing.toString(), TIMEOUT).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessage("News feed file " + missing.toAbsolutePath() + " does not exist");
    }

    @Test
    void missingClasspathResourceIsNamed() {
        assertThatThrownBy(() -> new FeedSource("classpath:feeds/nope.xml", TIMEOUT).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessage("News feed classpath:feeds/nope.xml was not found on the class path");
    }

    @Test
    void documentThatIsNotAFeedIsNamed() throws Exception {
        Path html = write("page.html", "<html><body>not a feed</body></html>");
        Path broken = write("broken.xml", "<rss version=\"2.0\"><channel>");

        assertThatThrownBy(() -> new FeedSource(html.toString(), TIMEOUT).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageStartingWith("News feed " + html + " is not a readable RSS or Atom document: ");
        assertThatThrownBy(() -> new FeedSource(broken.toString(), TIMEOUT).load())
                .isInstanceOf(FeedLoadException.class)
                .hasMessageStartingWith("News feed " + broken + " is not a readable RSS or Atom document: ");
    }

    @Test
    void unusableLocationsAreRefusedUpFront() {
        assertThatThrownBy(() -> new FeedSource(" ", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new FeedSource("ftp://news.example.com/feed.xml", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported scheme");
        assertThatThrownBy(() -> new FeedSource("http:///feed.xml", TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no host");
        assertThatThrownBy(() -> new FeedSource("classpath:x.xml", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive");
    }
}
