package dev.consulmesh.gateway.news;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.client.CallHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;

/**
 * {@code GET /fetchLatestNews}: one page of news from whichever push-service node the mesh picks,
 * with the cursor of the next page. Nothing here blocks: the request holds no thread while the node
 * answers.
 */
@RestController
public class NewsController {

    /** Header naming the instance id of the node that answered. */
    public static final String NODE_HEADER = "X-Push-Node";

    private final NewsNodes news;
    private final GatewayNewsProperties properties;
    private final ObjectMapper mapper;
    private final Clock clock;

    public NewsController(NewsNodes news, GatewayNewsProperties properties, ObjectMapper mapper, Clock clock) {
        this.news = news;
        this.properties = properties;
        this.mapper = mapper;
        this.clock = clock;
    }

    @GetMapping(path = "/fetchLatestNews", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<ObjectNode>> fetchLatestNews(@RequestParam MultiValueMap<String, String> query,
                                                            ServerHttpRequest request) {
        NewsPageRequest page = NewsPageRequest.from(request.getURI().getRawQuery(), query, clock.millis(),
                properties.getDefaultLimit());
        // One item more than the page tells whether another page follows (the node caps a request at MAX_LIMIT).
        int asked = Math.min(page.limit() + 1, NewsPageRequest.MAX_LIMIT);
        // The request's headers go with the call, for a canary rule on a header (mesh.client.services.*.canary.header).
        return news.fetchLatestNews(new NewsQuery(page.latestTime(), asked, page.beforeId()))
                .map(answer -> ResponseEntity.ok().header(NODE_HEADER, answer.node().instanceId())
                        .body(toPage(answer.value(), page, asked)))
                .contextWrite(CallHeaders.from(request.getHeaders()::getFirst));
    }

    private ObjectNode toPage(ArrayNode items, NewsPageRequest page, int asked) {
        ArrayNode pageItems = mapper.createArrayNode();
        for (int i = 0; i < Math.min(items.size(), page.limit()); i++) {
            pageItems.add(items.get(i));
        }
        ObjectNode body = mapper.createObjectNode();
        body.set("items", pageItems);
        boolean more = items.size() > page.limit() || (asked == page.limit() && items.size() == page.limit());
        if (more && !pageItems.isEmpty()) {
            JsonNode last = pageItems.get(pageItems.size() - 1);
            body.putObject("next").put("latestTime", last.path("publishedAt").asLong()).put("beforeId", last.path("id").asString());
        }
        return body;
    }
}
