package dev.consulmesh.gateway.news;

import dev.consulmesh.client.CallHeaders;
import dev.consulmesh.gateway.trust.ClientTrust;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /fetchLatestNews} ({@link NewsRoute}): one page of news from whichever push-service node the
 * mesh picks ({@link NewsNodes}), with the cursor of the next page. The node's items go into the body as
 * the bytes it sent ({@link NewsPageWriter}). Nothing here blocks: the request holds no thread while the
 * node answers.
 */
@Component
public class NewsController {

    /** Header naming the instance id of the node that answered, when {@code gateway.news.expose-node} is on. */
    public static final String NODE_HEADER = NodeHeader.NAME;

    private static final Set<HttpMethod> SERVED = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final NewsNodes news;
    private final GatewayNewsProperties properties;
    private final NewsPageWriter pages;
    private final Clock clock;
    private final List<String> forwarded;

    public NewsController(NewsNodes news, GatewayNewsProperties properties, NewsPageWriter pages, Clock clock,
                          ClientTrust trust) {
        this.news = news;
        this.properties = properties;
        this.pages = pages;
        this.clock = clock;
        this.forwarded = trust.forwardedHeaders();
    }

    public Mono<ServerResponse> fetchLatestNews(ServerRequest request) {
        // Deferred: what this throws (a bad parameter) goes to GatewayErrors like any failure of the call.
        return Mono.defer(() -> {
            if (!SERVED.contains(request.method())) {
                return request.method() == HttpMethod.OPTIONS
                        ? ServerResponse.ok().allow(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS).build()
                        : Mono.error(new MethodNotAllowedException(request.method(), SERVED));
            }
            List<MediaType> accepted = request.headers().accept();
            if (!accepted.isEmpty() && accepted.stream().noneMatch(MediaType.APPLICATION_JSON::isCompatibleWith)) {
                return Mono.error(new NotAcceptableStatusException(List.of(MediaType.APPLICATION_JSON)));
            }
            NewsPageRequest page = NewsPageRequest.from(request.uri().getRawQuery(), request.queryParams(), clock.millis(),
                    properties.getDefaultLimit());
            if (forwarded.isEmpty()) {
                return fetchLatestNews(page);
            }
            // The configured headers go with the call, for a canary rule on a header (mesh.client.services.*.canary.header);
            // an untrusted client's were removed at the edge (ClientTrust).
            HttpHeaders headers = request.headers().asHttpHeaders();
            return fetchLatestNews(page).contextWrite(CallHeaders.from(name -> forwarded(name) ? headers.getFirst(name) : null));
        });
    }

    private boolean forwarded(String name) {
        for (String header : forwarded) {
            if (header.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private Mono<ServerResponse> fetchLatestNews(NewsPageRequest page) {
        // One item more than the page tells whether another page follows (the node caps a request at MAX_LIMIT).
        int asked = Math.min(page.limit() + 1, NewsPageRequest.MAX_LIMIT);
        return news.fetchLatestNews(new NewsQuery(page.latestTime(), asked, page.beforeId()))
                .flatMap(answer -> {
                    byte[] body = pages.write(answer.value(), page.limit(), asked);
                    ServerResponse.BodyBuilder ok = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
                    if (properties.isExposeNode()) {
                        ok.header(NODE_HEADER, NodeHeader.value(answer.node().instanceId()));
                    }
                    return ok.contentLength(body.length)
                            .body((response, context) -> response.writeWith(
                                    Mono.fromSupplier(() -> response.bufferFactory().wrap(body))));
                });
    }
}
