package dev.consulmesh.gateway.news;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** What the gateway's news endpoint calls and how much it returns. */
@Validated
@ConfigurationProperties("gateway.news")
public class GatewayNewsProperties {

    /** Consul service name of the news nodes. */
    @NotBlank
    private String service = "push-service";

    /** Message pattern the news nodes answer. */
    @NotBlank
    private String pattern = "fetchLatestNews";

    /** Items per page when the request gives no limit. */
    @Min(1)
    @Max(NewsPageRequest.MAX_LIMIT)
    private int defaultLimit = 20;

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public String getPattern() {
        return pattern;
    }

    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    public int getDefaultLimit() {
        return defaultLimit;
    }

    public void setDefaultLimit(int defaultLimit) {
        this.defaultLimit = defaultLimit;
    }
}
