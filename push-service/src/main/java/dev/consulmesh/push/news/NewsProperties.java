package dev.consulmesh.push.news;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Where push-service reads its news from, and how often.
 *
 * <p>Validates itself (as a Spring {@link Validator}) so that a wrong setting stops start-up with a message naming
 * the property, without needing a Bean Validation provider on the class path.
 */
@Validated
@ConfigurationProperties(NewsProperties.PREFIX)
public class NewsProperties implements Validator {

    public static final String PREFIX = "push.feed";

    /**
     * The RSS or Atom feed to serve: a file path, a {@code file:} URI, a {@code classpath:} location or an http(s)
     * URL. The default is the sample feed bundled with the service.
     */
    private String url = "classpath:feeds/sample-news.xml";

    /** How long to wait between the end of one refresh of the feed and the start of the next. Must be positive. */
    private Duration refreshInterval = Duration.ofMinutes(5);

    /**
     * For an http(s) feed, the limit on connecting and on the whole request, body included. A refresh that takes
     * longer fails and the last good feed stays in service. Must be positive.
     */
    private Duration requestTimeout = Duration.ofSeconds(10);

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    public void setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = refreshInterval;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    @Override
    public boolean supports(Class<?> type) {
        return NewsProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        NewsProperties properties = (NewsProperties) target;
        if (properties.url == null || properties.url.isBlank()) {
            errors.rejectValue("url", "required", PREFIX + ".url must name an RSS or Atom feed: a file path, "
                    + "a classpath: location or an http(s) URL");
        }
        rejectUnlessPositive(errors, "refreshInterval", "refresh-interval", properties.refreshInterval);
        rejectUnlessPositive(errors, "requestTimeout", "request-timeout", properties.requestTimeout);
    }

    private static void rejectUnlessPositive(Errors errors, String field, String property, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) {
            errors.rejectValue(field, "positive", PREFIX + "." + property + " must be a positive duration such as "
                    + "30s or 5m, got " + value);
        }
    }
}
