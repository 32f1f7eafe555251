package dev.consulmesh.push.news;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The news domain of push-service: the feed loaded from {@code push.feed.url}, its periodic refresh and its health
 * indicator ({@code newsFeed} in the health report).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NewsProperties.class)
public class NewsConfiguration {

    /**
     * The feed, loaded once before the bean is handed out, so that the node never starts with nothing to serve.
     *
     * @throws IllegalStateException naming {@code push.feed.url} if the location is unusable or the first load fails
     */
    @Bean
    public NewsFeed newsFeed(NewsProperties properties) {
        String url = properties.getUrl();
        FeedSource source;
        try {
            source = new FeedSource(url, properties.getRequestTimeout());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(NewsProperties.PREFIX + ".url=" + url + " is not usable: "
                    + e.getMessage(), e);
        }
        NewsFeed feed = new NewsFeed(source);
        FeedStatus status = feed.refresh();
        if (!status.hasFeed()) {
            throw new IllegalStateException("push-service could not load its news feed at start-up and has no news "
                    + "to serve. " + NewsProperties.PREFIX + ".url=" + url + ": " + status.lastFailure().message()
                    + ". Check that " + NewsProperties.PREFIX + ".url names a readable RSS or Atom feed and, for an "
                    + "http(s) URL, that it answers within " + NewsProperties.PREFIX + ".request-timeout="
                    + properties.getRequestTimeout() + ".");
        }
        return feed;
    }

    @Bean
    public NewsFeedRefresher newsFeedRefresher(NewsFeed newsFeed, NewsProperties properties) {
        return new NewsFeedRefresher(newsFeed, properties.getRefreshInterval());
    }

    @Bean
    public FeedHealthIndicator newsFeedHealthIndicator(NewsFeed newsFeed) {
        return new FeedHealthIndicator(newsFeed);
    }
}
