package dev.consulmesh.gateway.news;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.client.MeshClient;
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
 * mesh picks, with the cursor of the next page. The node's items go into the body as the bytes it sent
 * ({@link NewsPageWriter}). Nothing here blocks: the request holds no thread while the node answers.
 */
@Component
public class NewsController {

    /** Header naming the instance id of the node that answered. */
    public static final String NODE_HEADER = "X-Push-Node";

    private static final Set<HttpMethod> SERVED = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final MeshClient mesh;
    private final GatewayNewsProperties properties;
    private final ObjectMapper mapper;
    private final NewsPageWriter pages;
    private final Clock clock;

    public NewsController(MeshClient mesh, GatewayNewsProperties properties, ObjectMapper mapper, Clock clock) {
        this.mesh = mesh;
        this.properties = properties;
        this.mapper = mapper;
        this.pages = new NewsPageWriter(mapper);
        this.clock = clock;
        // Fetching news only reads: a call may be made again on another node even after it was written.
        mesh.idempotentPatterns().declare(properties.getPattern());
        // Watch the news service from the start, so health shows its nodes before the first call.
        mesh.prepare(properties.getService());
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
            return fetchLatestNews(NewsPageRequest.from(request.uri().getRawQuery(), request.queryParams(), clock.millis(),
                    properties.getDefaultLimit()));
        });
    }

    private Mono<ServerResponse> fetchLatestNews(NewsPageRequest page) {
        // One item more than the page tells whether another page follows (the node caps a request at MAX_LIMIT).
        int asked = Math.min(page.limit() + 1, NewsPageRequest.MAX_LIMIT);
        ObjectNode data = mapper.createObjectNode().put("latestTime", page.latestTime()).put("limit", asked);
        if (page.beforeId() != null) {
            data.put("beforeId", page.beforeId());
        }
        // The page is written on each attempt: a node whose answer is not a list of news counts as failing,
        // and the call goes on to another node.
        return mesh.sendKeepingBytes(properties.getService(), properties.getPattern(), data,
                        reply -> new Page(reply.node().instanceId(), pages.write(reply.rawValue(), page.limit(), asked)))
                .flatMap(answer -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .header(NODE_HEADER, answer.node())
                        .contentLength(answer.body().length)
                        .body((response, context) -> response.writeWith(
                                Mono.fromSupplier(() -> response.bufferFactory().wrap(answer.body())))));
    }

    /** A page's body and the node it came from. */
    private record Page(String node, byte[] body) {
    }
}
