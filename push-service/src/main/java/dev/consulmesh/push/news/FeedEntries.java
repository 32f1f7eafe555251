package dev.consulmesh.push.news;

import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns parsed Rome feed entries into {@link NewsItem}s. */
final class FeedEntries {

    private static final Logger log = LoggerFactory.getLogger(FeedEntries.class);

    private static final int ID_HEX_DIGITS = 16;
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Map<String, String> NAMED_ENTITIES = Map.of(
            "amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'", "nbsp", " ");

    private FeedEntries() {
    }

    /**
     * Maps every entry that has a date. An entry with neither a published nor an updated date is skipped (logged
     * at DEBUG): inventing a time for it would put it at the top of the news on every refresh.
     */
    static List<NewsItem> toNewsItems(SyndFeed feed, String location) {
        String feedTitle = collapseWhitespace(feed.getTitle());
        String defaultSource = feedTitle.isEmpty() ? location : feedTitle;
        List<NewsItem> items = new ArrayList<>(feed.getEntries().size());
        for (SyndEntry entry : feed.getEntries()) {
            Date date = entry.getPublishedDate() != null ? entry.getPublishedDate() : entry.getUpdatedDate();
            if (date == null) {
                log.debug("Skipping an entry of news feed {} without a published or updated date: {}",
                        location, describe(entry));
                continue;
            }
            items.add(toNewsItem(entry, date.getTime(), defaultSource));
        }
        return items;
    }

    private static NewsItem toNewsItem(SyndEntry entry, long publishedAt, String defaultSource) {
        String title = collapseWhitespace(entry.getTitle());
        String link = entry.getLink() == null ? "" : entry.getLink().trim();
        String ownSource = entry.getSource() == null ? "" : collapseWhitespace(entry.getSource().getTitle());
        return new NewsItem(idFor(entry, title, link, publishedAt), title, summaryOf(entry), link,
                ownSource.isEmpty() ? defaultSource : ownSource, publishedAt);
    }

    /**
     * The id rule documented on {@link NewsItem#id()}. The key's prefix keeps a guid from ever colliding with an
     * identical link or title of another entry.
     */
    private static String idFor(SyndEntry entry, String title, String link, long publishedAt) {
        String guid = entry.getUri() == null ? "" : entry.getUri().trim();
        String key;
        if (!guid.isEmpty()) {
            key = "guid:" + guid;
        } else if (!link.isEmpty()) {
            key = "link:" + link;
        } else {
            key = "title:" + title + "\n" + publishedAt;
        }
        return sha256Hex(key).substring(0, ID_HEX_DIGITS);
    }

    private static String summaryOf(SyndEntry entry) {
        SyndContent content = entry.getDescription();
        if ((content == null || content.getValue() == null) && !entry.getContents().isEmpty()) {
            content = entry.getContents().get(0);
        }
        if (content == null || content.getValue() == null) {
            return "";
        }
        String type = content.getType() == null ? "" : content.getType();
        // RSS descriptions are HTML by definition; Atom marks plain text as type="text".
        boolean html = type.isEmpty() || type.contains("html");
        return html ? htmlToText(content.getValue()) : collapseWhitespace(content.getValue());
    }

    /** Enough to make a push notification readable; not a general HTML renderer. */
    static String htmlToText(String html) {
        String withoutTags = TAG.matcher(html).replaceAll(" ");
        Matcher entities = ENTITY.matcher(withoutTags);
        StringBuilder text = new StringBuilder(withoutTags.length());
        while (entities.find()) {
            String decoded = decodeEntity(entities.group(1), entities.group());
            entities.appendReplacement(text, Matcher.quoteReplacement(decoded));
        }
        entities.appendTail(text);
        return collapseWhitespace(text.toString());
    }

    private static String decodeEntity(String name, String original) {
        if (name.startsWith("#")) {
            boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
            int codePoint = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
            return Character.isValidCodePoint(codePoint) ? new String(Character.toChars(codePoint)) : original;
        }
        return NAMED_ENTITIES.getOrDefault(name, original);
    }

    private static String collapseWhitespace(String text) {
        return text == null ? "" : WHITESPACE.matcher(text).replaceAll(" ").trim();
    }

    private static String describe(SyndEntry entry) {
        if (entry.getUri() != null) {
            return "guid " + entry.getUri();
        }
        return entry.getLink() != null ? "link " + entry.getLink() : "title \"" + entry.getTitle() + "\"";
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }
}
