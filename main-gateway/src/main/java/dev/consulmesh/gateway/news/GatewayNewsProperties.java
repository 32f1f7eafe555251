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

    /**
     * Whether answers name the node that answered ({@code X-Push-Node}, made safe for a header). Off by
     * default: the instance ids tell every client how many nodes there are, where and which version.
     */
    private boolean exposeNode = false;

    /**
     * Whether the HTTP server answers a plain {@code GET /fetchLatestNews} itself, below WebFlux's dispatch
     * ({@link DirectNewsRoute}): the same answers, errors, trust rules, {@code http.server.requests} timer
     * and, while the application traces, span, at a fraction of the cost. Off: WebFlux serves every request.
     */
    private boolean directRoute = true;

    public boolean isDirectRoute() {
        return directRoute;
    }

    public void setDirectRoute(boolean directRoute) {
        this.directRoute = directRoute;
    }

    public boolean isExposeNode() {
        return exposeNode;
    }

    public void setExposeNode(boolean exposeNode) {
        this.exposeNode = exposeNode;
    }

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
