package dev.consulmesh.gateway.news;

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
 * {@code GET /fetchLatestNews} through WebFlux ({@link NewsRoute}): one page of news ({@link LatestNews}).
 * It serves what {@link DirectNewsRoute} leaves to WebFlux — HEAD, OPTIONS and other methods, percent-encoded
 * queries, bad parameters, unacceptable media types — and all of it when the direct route is off. Nothing here blocks: the request holds no thread
 * while the node answers.
 */
@Component
public class NewsController {

    /** Header naming the instance id of the node that answered, when {@code gateway.news.expose-node} is on. */
    public static final String NODE_HEADER = NodeHeader.NAME;

    private static final Set<HttpMethod> SERVED = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final LatestNews news;
    private final GatewayNewsProperties properties;
    private final Clock clock;
    private final ClientTrust trust;

    public NewsController(LatestNews news, GatewayNewsProperties properties, Clock clock, ClientTrust trust) {
        this.news = news;
        this.properties = properties;
        this.clock = clock;
        this.trust = trust;
    }

    /** Whether a request that accepts {@code accepted} (none: anything) can take the route's JSON. */
    static boolean acceptsJson(List<MediaType> accepted) {
        return accepted.isEmpty() || accepted.stream().anyMatch(MediaType.APPLICATION_JSON::isCompatibleWith);
    }

    public Mono<ServerResponse> fetchLatestNews(ServerRequest request) {
        // Deferred: what this throws (a bad parameter) goes to GatewayErrors like any failure of the call.
        return Mono.defer(() -> {
            if (!SERVED.contains(request.method())) {
                return request.method() == HttpMethod.OPTIONS
                        ? ServerResponse.ok().allow(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS).build()
                        : Mono.error(new MethodNotAllowedException(request.method(), SERVED));
            }
            if (!acceptsJson(request.headers().accept())) {
                return Mono.error(new NotAcceptableStatusException(List.of(MediaType.APPLICATION_JSON)));
            }
            NewsPageRequest page = NewsPageRequest.from(request.uri().getRawQuery(), request.queryParams(), clock.millis(),
                    properties.getDefaultLimit());
            // The configured headers go with the call, for a canary rule on a header (mesh.client.services.*.canary.header);
            // an untrusted client's were removed at the edge (ClientTrust).
            HttpHeaders headers = request.headers().asHttpHeaders();
            return news.fetch(page, trust.forwardedHeaders().isEmpty() ? null : name -> trust.forwards(name) ? headers.getFirst(name) : null)
                    .flatMap(answer -> {
                        ServerResponse.BodyBuilder ok = ServerResponse.ok().contentType(MediaType.APPLICATION_JSON);
                        if (answer.nodeHeader() != null) {
                            ok.header(NODE_HEADER, answer.nodeHeader());
                        }
                        byte[] body = answer.body();
                        return ok.contentLength(body.length)
                                .body((response, context) -> response.writeWith(
                                        Mono.fromSupplier(() -> response.bufferFactory().wrap(body))));
                    });
        });
    }
}
