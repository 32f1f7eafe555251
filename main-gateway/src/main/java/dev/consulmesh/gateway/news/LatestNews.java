package dev.consulmesh.gateway.news;

import dev.consulmesh.client.CallHeaders;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.function.UnaryOperator;

/**
 * One page of news from whichever push-service node the mesh picks ({@link NewsNodes}), as the body of
 * {@code GET /fetchLatestNews}: the node's items as the bytes it sent, with the cursor of the next page
 * ({@link NewsPageWriter}). Both ways the route is served ({@link NewsController} through WebFlux,
 * {@link DirectNewsRoute} below it) answer with what this gives.
 */
@Component
public class LatestNews {

    /** A page's answer: its JSON body and the {@code X-Push-Node} value, null unless expose-node is on. */
    public record Page(byte[] body, String nodeHeader) {
    }

    private final NewsNodes news;
    private final GatewayNewsProperties properties;
    private final NewsPageWriter pages;

    public LatestNews(NewsNodes news, GatewayNewsProperties properties, NewsPageWriter pages) {
        this.news = news;
        this.properties = properties;
        this.pages = pages;
    }

    /**
     * @param callHeaders the request headers that go with the call (a canary rule may route on them), null
     *                    for none
     */
    public Mono<Page> fetch(NewsPageRequest page, UnaryOperator<String> callHeaders) {
        // One item more than the page tells whether another page follows (the node caps a request at MAX_LIMIT).
        int asked = Math.min(page.limit() + 1, NewsPageRequest.MAX_LIMIT);
        Mono<Page> answer = news.fetchLatestNews(new NewsQuery(page.latestTime(), asked, page.beforeId()))
                .map(reply -> new Page(pages.write(reply.value(), page.limit(), asked),
                        properties.isExposeNode() ? NodeHeader.value(reply.node().instanceId()) : null));
        return callHeaders == null ? answer : answer.contextWrite(CallHeaders.from(callHeaders::apply));
    }
}
