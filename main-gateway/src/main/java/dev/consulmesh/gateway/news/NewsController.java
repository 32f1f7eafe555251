package dev.consulmesh.gateway.news;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import dev.consulmesh.client.MeshClient;
import dev.consulmesh.client.CallHeaders;
import dev.consulmesh.client.NodeReply;
import dev.consulmesh.failure.UnusableAnswerException;
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

    private final MeshClient mesh;
    private final GatewayNewsProperties properties;
    private final ObjectMapper mapper;
    private final Clock clock;

    public NewsController(MeshClient mesh, GatewayNewsProperties properties, ObjectMapper mapper, Clock clock) {
        this.mesh = mesh;
        this.properties = properties;
        this.mapper = mapper;
        this.clock = clock;
        // Fetching news only reads: a call may be made again on another node even after it was written.
        mesh.idempotentPatterns().declare(properties.getPattern());
        // Watch the news service from the start, so health shows its nodes before the first call.
        mesh.prepare(properties.getService());
    }

    @GetMapping(path = "/fetchLatestNews", produces = MediaType.APPLICATION_JSON_VALUE)
    public Mono<ResponseEntity<ObjectNode>> fetchLatestNews(@RequestParam MultiValueMap<String, String> query,
                                                            ServerHttpRequest request) {
        NewsPageRequest page = NewsPageRequest.from(request.getURI().getRawQuery(), query, clock.millis(),
                properties.getDefaultLimit());
        // One item more than the page tells whether another page follows (the node caps a request at MAX_LIMIT).
        int asked = Math.min(page.limit() + 1, NewsPageRequest.MAX_LIMIT);
        ObjectNode data = mapper.createObjectNode().put("latestTime", page.latestTime()).put("limit", asked);
        if (page.beforeId() != null) {
            data.put("beforeId", page.beforeId());
        }
        // The page is read on each attempt: a node whose answer is not a list of news counts as failing,
        // and the call goes on to another node.
        // The request's headers go with the call, for a canary rule on a header (mesh.client.services.*.canary.header).
        return mesh.send(properties.getService(), properties.getPattern(), data,
                reply -> ResponseEntity.ok().header(NODE_HEADER, reply.node().instanceId()).body(toPage(reply, page, asked)))
                .contextWrite(CallHeaders.from(request.getHeaders()::getFirst));
    }

    private ObjectNode toPage(NodeReply reply, NewsPageRequest page, int asked) {
        JsonNode items = reply.value();
        if (items == null || !items.isArray()) {
            throw new UnusableAnswerException("expected an array of news items, got " + (items == null ? "nothing" : items.getNodeType()));
        }
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
