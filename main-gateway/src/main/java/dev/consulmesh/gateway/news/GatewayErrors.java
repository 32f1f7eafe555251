package dev.consulmesh.gateway.news;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.transport.client.TransportException;
import dev.consulmesh.logging.RateLimitedLog;
import dev.consulmesh.web.MeshProblems;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every failure as a JSON error a caller can act on, never a stack trace: 400 for a bad parameter; for
 * a failed call to the mesh, the library's RFC 9457 problem ({@code application/problem+json}): 503 when
 * the service has no healthy node, 504 when the node does not answer in time, 502 when it fails otherwise.
 */
@RestControllerAdvice
public class GatewayErrors {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrors.class);

    private final RateLimitedLog disconnects = new RateLimitedLog(log, Level.INFO, "a client left before its answer:");
    private final RateLimitedLog unexpectedFailures = new RateLimitedLog(log, Level.ERROR, "unexpected failures of requests; latest:");
    private final GatewayNewsProperties news;
    private final MeshProblems problems;

    public GatewayErrors(GatewayNewsProperties news, MeshProblems problems) {
        this.news = news;
        this.problems = problems;
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<Map<String, Object>> badRequest(BadRequestException e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * A failed call to the mesh, answered with the library's problem for it ({@link MeshProblems}: the status
     * its classification calls for, no internal address unless {@code mesh.web.problems.show-details}),
     * naming the news service. Handled here because this advice's catch-all would otherwise answer it.
     */
    @ExceptionHandler({NoHealthyNodeException.class, TransportException.class, UnusableAnswerException.class})
    ResponseEntity<ProblemDetail> callFailed(RuntimeException e) {
        return problems.answer(e, news.getService());
    }

    /**
     * Spring's own errors (404 for an unknown path, 405, 406...) keep their status, as JSON. The message is
     * the status's reason phrase only: Spring's reasons quote the request (its method, path, media types),
     * and an error body echoes nothing a client sent.
     */
    @ExceptionHandler(ResponseStatusException.class)
    ResponseEntity<Map<String, Object>> responseStatus(ResponseStatusException e) {
        HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
        HttpStatus shown = status != null ? status : HttpStatus.INTERNAL_SERVER_ERROR;
        return error(shown, shown.getReasonPhrase());
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Map<String, Object>>> unexpected(Exception e, ServerHttpRequest request) {
        return Mono.justOrEmpty(unexpected(e, request.getRemoteAddress()));
    }

    /**
     * The answer for a request of {@code client} that failed with {@code failure}, as the handlers above
     * give it; null for a client that left before its answer (nothing to answer). For a route served
     * below WebFlux ({@link DirectNewsRoute}), which never sees a bad parameter or one of Spring's own errors.
     */
    ResponseEntity<?> answer(Throwable failure, InetSocketAddress client) {
        if (failure instanceof BadRequestException badRequest) {
            return badRequest(badRequest);
        }
        if (failure instanceof NoHealthyNodeException || failure instanceof TransportException
                || failure instanceof UnusableAnswerException) {
            return callFailed((RuntimeException) failure);
        }
        if (failure instanceof ResponseStatusException status) {
            return responseStatus(status);
        }
        return unexpected(failure, client);
    }

    private ResponseEntity<Map<String, Object>> unexpected(Throwable e, InetSocketAddress client) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // A client that left before its answer: nothing to answer, nothing wrong here.
            disconnects.happened(client, e.getClass().getSimpleName());
            return null;
        }
        // No stack trace each time, and nothing of the request (its path is the client's text): the class and message.
        unexpectedFailures.happened("request", e.getClass().getName() + ": " + e.getMessage(), e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the gateway's log");
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", status.getReasonPhrase());
        body.put("message", message);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
