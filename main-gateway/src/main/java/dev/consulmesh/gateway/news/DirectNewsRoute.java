package dev.consulmesh.gateway.news;

import dev.consulmesh.gateway.news.ServedRequests.Served;
import dev.consulmesh.gateway.trust.ClientTrust;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.core.ResolvableType;
import org.springframework.core.codec.Encoder;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.EncoderHttpMessageWriter;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code GET /fetchLatestNews} answered by the HTTP server itself, below WebFlux's dispatch (its filters,
 * handler mapping, adapters, result handling and request observation were a fifth of the gateway's CPU
 * at saturation), for the plain requests that are nearly all of its traffic: GET, the path exactly, a
 * query of unreserved characters whose parameters are valid, and an Accept header that takes JSON (or
 * none). Everything else — HEAD, OPTIONS, other methods, percent-encoding, a bad parameter, an
 * unacceptable media type — goes on to WebFlux ({@link NewsController}), which answers it as before.
 * What the route answers is what WebFlux would: the same page ({@link LatestNews}), the same error
 * bodies ({@link GatewayErrors}, written by the application's own codecs), the client's trust applied
 * to the headers that go with the call and to the trace context a tracer reads ({@link ClientTrust}), and
 * the same {@code http.server.requests} timer and tags, with a span per request while the application
 * traces ({@link ServedRequests}).
 */
final class DirectNewsRoute {

    static final String PATH = "/fetchLatestNews";
    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;
    private static final URI INSTANCE = URI.create(PATH);

    private final LatestNews news;
    private final GatewayNewsProperties properties;
    private final Clock clock;
    private final ClientTrust trust;
    private final GatewayErrors errors;
    private final List<HttpMessageWriter<?>> writers;
    private final ServedRequests requests;
    private final ApplicationPort applicationPort;

    /**
     * @param requests        how the requests are timed, and traced while the application traces
     * @param applicationPort the application's HTTP port: route providers go to the management server too
     */
    DirectNewsRoute(LatestNews news, GatewayNewsProperties properties, Clock clock, ClientTrust trust,
                    GatewayErrors errors, ServerCodecConfigurer codecs, ServedRequests requests, ApplicationPort applicationPort) {
        this.news = news;
        this.properties = properties;
        this.clock = clock;
        this.trust = trust;
        this.errors = errors;
        this.writers = codecs.getWriters();
        this.requests = requests;
        this.applicationPort = applicationPort;
    }

    /** The routes with this one first; WebFlux's catch-all comes after every route provider's. */
    HttpServerRoutes addTo(HttpServerRoutes routes) {
        return routes.route(this::serves, this::serve);
    }

    /** Whether the request is one the route answers as WebFlux would; all others go on to WebFlux. */
    boolean serves(HttpServerRequest request) {
        if (!HttpMethod.GET.equals(request.method())
                || !applicationPort.isPortOf(request.connectionHostAddress())) {
            return false;
        }
        String target = request.uri();
        if (!target.startsWith(PATH) || (target.length() > PATH.length() && target.charAt(PATH.length()) != '?')) {
            return false;
        }
        String query = query(target);
        return query != null && acceptsJson(request.requestHeaders().getAll(HttpHeaderNames.ACCEPT)) && page(query) != null;
    }

    private Mono<Void> serve(HttpServerRequest request, HttpServerResponse response) {
        UnaryOperator<String> headers = name -> request.requestHeaders().get(name);
        Served served = requests.start(() -> trust.screened(request.remoteAddress(), headers), response);
        NewsPageRequest page = page(query(request.uri()));
        UnaryOperator<String> callHeaders = trust.callHeaders(request.remoteAddress(), headers);
        Mono<Void> serving = news.fetch(page, callHeaders)
                .flatMap(answer -> {
                    response.status(200).header(HttpHeaderNames.CONTENT_TYPE, JSON)
                            .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(answer.body().length));
                    if (answer.nodeHeader() != null) {
                        response.header(NodeHeader.NAME, answer.nodeHeader());
                    }
                    return response.send(Mono.just(Unpooled.wrappedBuffer(answer.body()))).then();
                })
                .onErrorResume(failure -> !response.hasSentHeaders(), failure -> answer(failure, request, response, served))
                .doOnSuccess(done -> served.ended(null))
                .doOnError(served::ended)
                .doOnCancel(served::aborted);
        return served.asCaller(serving);
    }

    /** The failed call's answer, as GatewayErrors gives it to WebFlux; none to a client that left. */
    private Mono<Void> answer(Throwable failure, HttpServerRequest request, HttpServerResponse response, Served served) {
        ResponseEntity<?> answer = errors.answer(failure, request.remoteAddress());
        if (answer == null) {
            served.aborted(failure);
            return Mono.empty();
        }
        MediaType type = answer.getHeaders().getContentType();
        if (answer.getBody() instanceof ProblemDetail problem && problem.getInstance() == null) {
            problem.setInstance(INSTANCE); // as WebFlux's result handler does: the request's path
        }
        byte[] body = encode(answer.getBody(), type);
        response.status(answer.getStatusCode().value()).header(HttpHeaderNames.CONTENT_TYPE, type.toString())
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
        return response.send(Mono.just(Unpooled.wrappedBuffer(body))).then();
    }

    /** {@code body} as the application's codecs write it for {@code type}, as WebFlux would. */
    @SuppressWarnings("unchecked")
    private byte[] encode(Object body, MediaType type) {
        ResolvableType bodyType = ResolvableType.forInstance(body);
        for (HttpMessageWriter<?> writer : writers) {
            if (writer instanceof EncoderHttpMessageWriter<?> encoding && encoding.canWrite(bodyType, type)) {
                DataBuffer buffer = ((Encoder<Object>) encoding.getEncoder()).encodeValue(body,
                        DefaultDataBufferFactory.sharedInstance, bodyType, type, Map.of());
                try {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    return bytes;
                } finally {
                    DataBufferUtils.release(buffer);
                }
            }
        }
        throw new IllegalStateException("no codec of the application writes " + bodyType + " as " + type);
    }

    /** The request target's query, "" for none; null when it holds more than unreserved characters, '=' and '&'. */
    private static String query(String target) {
        if (target.length() == PATH.length()) {
            return "";
        }
        String query = target.substring(PATH.length() + 1);
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || c == '=' || c == '&';
            if (!plain) {
                return null; // percent-encoding and the rest: WebFlux decodes them, and refuses what is malformed
            }
        }
        return query;
    }

    /** The page a query of plain characters asks for, read as WebFlux reads it; null when it is not valid. */
    private NewsPageRequest page(String query) {
        MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>(4);
        if (!query.isEmpty()) {
            for (String parameter : query.split("&", -1)) {
                int equals = parameter.indexOf('=');
                if (equals < 0) {
                    parameters.add(parameter, null);
                } else {
                    parameters.add(parameter.substring(0, equals), parameter.substring(equals + 1));
                }
            }
        }
        try {
            return NewsPageRequest.from(query, parameters, clock.millis(), properties.getDefaultLimit());
        } catch (BadRequestException e) {
            return null; // WebFlux answers it, naming the parameter
        }
    }

    private static boolean acceptsJson(List<String> accept) {
        try {
            return NewsController.acceptsJson(MediaType.parseMediaTypes(accept));
        } catch (IllegalArgumentException e) { // not a media type: WebFlux answers it
            return false;
        }
    }
}
