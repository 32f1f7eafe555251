package dev.consulmesh.push.news;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small RSS and Atom documents for tests. */
final class TestFeeds {

    private TestFeeds() {
    }

    /** An RSS 2.0 feed titled {@code title} whose items are given as {@link #item} strings. */
    static String rss(String title, String... items) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <rss version="2.0">
                  <channel>
                    <title>%s</title>
                    <link>https://news.example.com/</link>
                    <description>test feed</description>
                %s
                  </channel>
                </rss>
                """.formatted(title, String.join("\n", items));
    }

    /** An RSS item; {@code guid} or {@code pubDate} may be null to leave the element out. */
    static String item(String guid, String title, String link, Instant pubDate) {
        StringBuilder xml = new StringBuilder("    <item>\n");
        xml.append("      <title>").append(title).append("</title>\n");
        if (link != null) {
            xml.append("      <link>").append(link).append("</link>\n");
        }
        if (guid != null) {
            xml.append("      <guid isPermaLink=\"false\">").append(guid).append("</guid>\n");
        }
        if (pubDate != null) {
            xml.append("      <pubDate>").append(rfc822(pubDate)).append("</pubDate>\n");
        }
        xml.append("      <description>About ").append(title).append("</description>\n");
        return xml.append("    </item>").toString();
    }

    static String rfc822(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }
}
