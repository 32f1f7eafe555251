package dev.consulmesh.bench.wire;

import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * News items as push-service answers {@code fetchLatestNews}: JSON objects with its NewsItem's properties
 * ({@code id, title, summary, url, source, publishedAt}), filled from the sample feed push-service ships
 * (copied into this module's resources at build time). A longer answer than the feed holds cycles through
 * its entries again, each copy with its own id and an earlier time.
 */
final class SampleNews {

    private static final String FEED = "/feeds/sample-news.xml";

    private record Entry(String guid, String title, String summary, String url, String source, long publishedAt) {
    }

    private SampleNews() {
    }

    /** The first {@code count} items of an answer, newest first. */
    static ArrayNode items(JsonNodeFactory nodes, int count) {
        List<Entry> feed = read();
        ArrayNode items = nodes.arrayNode(count);
        for (int i = 0; i < count; i++) {
            Entry entry = feed.get(i % feed.size());
            int copy = i / feed.size();
            items.addObject()
                    .put("id", id(entry.guid() + "#" + copy))
                    .put("title", entry.title())
                    .put("summary", entry.summary())
                    .put("url", entry.url())
                    .put("source", entry.source())
                    .put("publishedAt", entry.publishedAt() - copy * 86_400_000L);
        }
        return items;
    }

    private static List<Entry> read() {
        try (InputStream in = SampleNews.class.getResourceAsStream(FEED)) {
            if (in == null) {
                throw new IllegalStateException(FEED + " is not on the classpath: build bench/jmh with Maven first");
            }
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element channel = (Element) factory.newDocumentBuilder().parse(in).getElementsByTagName("channel").item(0);
            String source = text(channel, "title");
            NodeList items = channel.getElementsByTagName("item");
            List<Entry> entries = new ArrayList<>(items.getLength());
            for (int i = 0; i < items.getLength(); i++) {
                Element item = (Element) items.item(i);
                entries.add(new Entry(text(item, "guid"), text(item, "title"), text(item, "description"), text(item, "link"),
                        source, ZonedDateTime.parse(text(item, "pubDate"), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant().toEpochMilli()));
            }
            return entries;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the sample feed " + FEED + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String tag) {
        NodeList found = parent.getElementsByTagName(tag);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }

    /** 16 hex digits, like push-service's ids. */
    private static String id(String key) throws IllegalStateException {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
