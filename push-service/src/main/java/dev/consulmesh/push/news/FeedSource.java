package dev.consulmesh.push.news;

import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.SyndFeedInput;
import com.rometools.rome.io.XmlReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Reads an RSS or Atom feed from one location and turns its entries into {@link NewsItem}s.
 *
 * <p>A location is one of:
 * <ul>
 *   <li>{@code classpath:feeds/sample-news.xml}: a resource packaged with the service;</li>
 *   <li>{@code http://...} or {@code https://...}: fetched with {@link HttpClient}, redirects followed;</li>
 *   <li>{@code file:/...} or a plain file system path.</li>
 * </ul>
 *
 * <p>Feeds are parsed by Rome with DOCTYPE declarations refused (Rome's default, kept on purpose): a feed from the
 * network cannot make the parser read local files or other URLs through external entities.
 *
 * <p>Entries with neither a published nor an updated date are skipped, since there is no honest place for them
 * in a newest-first list; each one is logged at DEBUG.
 */
public final class FeedSource {

    private static final String CLASSPATH_PREFIX = "classpath:";
    /** A URI scheme of two or more letters, so that a Windows drive letter still reads as a path. */
    private static final Pattern OTHER_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");
    private static final String ACCEPT =
            "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1";

    private enum Kind { CLASSPATH, HTTP, FILE }

    private final String location;
    private final Kind kind;
    private final Duration requestTimeout;
    private final URI httpUri;
    private final Path file;
    private final HttpClient httpClient;

    /**
     * @param location       where the feed is, in one of the forms listed on this class
     * @param requestTimeout for an http(s) feed, the limit on connecting and on the whole request including the body
     * @throws IllegalArgumentException if the location is blank or not one of the supported forms
     */
    public FeedSource(String location, Duration requestTimeout) {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (location.isBlank()) {
            throw new IllegalArgumentException("The news feed location is empty; give a file path, a classpath: "
                    + "location or an http(s) URL");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("The news feed request timeout must be positive, got " + requestTimeout);
        }
        this.location = location.trim();
        this.requestTimeout = requestTimeout;
        String lower = this.location.toLowerCase(Locale.ROOT);
        if (lower.startsWith(CLASSPATH_PREFIX)) {
            kind = Kind.CLASSPATH;
            httpUri = null;
            file = null;
            httpClient = null;
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            kind = Kind.HTTP;
            httpUri = parseUri(this.location);
            file = null;
            httpClient = HttpClient.newBuilder()
                    .connectTimeout(requestTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        } else {
            kind = Kind.FILE;
            httpUri = null;
            file = parsePath(this.location);
            httpClient = null;
        }
    }

    /** The location as configured, for messages and status reports. */
    public String location() {
        return location;
    }

    /**
     * Reads and parses the feed now.
     *
     * @return the dated entries, in feed order
     * @throws FeedLoadException naming this location and what failed: not found, HTTP status, timeout, not a feed
     */
    public List<NewsItem> load() {
        return switch (kind) {
            case CLASSPATH -> loadClasspath();
            case HTTP -> loadHttp();
            case FILE -> loadFile();
        };
    }

    private List<NewsItem> loadClasspath() {
        String resource = location.substring(CLASSPATH_PREFIX.length());
        while (resource.startsWith("/")) {
            resource = resource.substring(1);
        }
        try (InputStream in = FeedSource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new FeedLoadException("News feed " + location + " was not found on the class path");
            }
            return parse(new XmlReader(in));
        } catch (IOException e) {
            throw new FeedLoadException("Could not read news feed " + location + ": " + describe(e), e);
        }
    }

    private List<NewsItem> loadFile() {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(new XmlReader(in));
        } catch (NoSuchFileException e) {
            throw new FeedLoadException("News feed file " + file.toAbsolutePath() + " does not exist", e);
        } catch (IOException e) {
            throw new FeedLoadException("Could not read news feed file " + file.toAbsolutePath() + ": "
                    + describe(e), e);
        }
    }

    private List<NewsItem> loadHttp() {
        HttpRequest request = HttpRequest.newBuilder(httpUri)
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> pending =
                httpClient.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            // The request timeout only covers the wait for headers; this deadline also bounds reading the body.
            response = pending.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new FeedLoadException("News feed " + location + " did not answer within " + requestTimeout, e);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new FeedLoadException("Interrupted while fetching news feed " + location, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof HttpTimeoutException) {
                // The client's own timeout and the deadline above race; both mean the same to the operator.
                throw new FeedLoadException("News feed " + location + " did not answer within " + requestTimeout, cause);
            }
            throw new FeedLoadException("Could not fetch news feed " + location + ": " + describe(cause), cause);
        }
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new FeedLoadException("News feed " + location + " answered HTTP " + status
                    + "; expected 200 with an RSS or Atom document");
        }
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        try {
            return parse(new XmlReader(new ByteArrayInputStream(response.body()), contentType, true));
        } catch (IOException e) {
            throw new FeedLoadException("Could not decode news feed " + location + ": " + describe(e), e);
        }
    }

    private List<NewsItem> parse(XmlReader reader) {
        try (reader) {
            // allowDoctypes stays false: see the class comment.
            return FeedEntries.toNewsItems(new SyndFeedInput().build(reader), location);
        } catch (FeedException | IllegalArgumentException e) {
            throw new FeedLoadException("News feed " + location + " is not a readable RSS or Atom document: "
                    + describe(e), e);
        } catch (IOException e) {
            throw new FeedLoadException("Could not read news feed " + location + ": " + describe(e), e);
        }
    }

    private static URI parseUri(String location) {
        URI uri;
        try {
            uri = URI.create(location);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("News feed URL " + location + " is not a valid URL: " + describe(e), e);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("News feed URL " + location + " has no host");
        }
        return uri;
    }

    private static Path parsePath(String location) {
        boolean fileUri = location.toLowerCase(Locale.ROOT).startsWith("file:");
        if (!fileUri && OTHER_SCHEME.matcher(location).matches()) {
            throw new IllegalArgumentException("News feed location " + location + " has an unsupported scheme; "
                    + "give a file path, a classpath: location or an http(s) URL");
        }
        try {
            return fileUri ? Path.of(URI.create(location)) : Path.of(location);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new IllegalArgumentException("News feed location " + location + " is not a valid file path or "
                    + "file: URI: " + describe(e), e);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
