package dev.consulmesh.gateway.news;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.transport.client.RemoteErrorException;
import dev.consulmesh.transport.client.TransportException;
import dev.consulmesh.logging.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.DisconnectedClientHelper;
import reactor.core.publisher.Mono;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ResponseStatusException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every failure as a JSON error a caller can act on, never a stack trace: 400 for a bad parameter; for
 * a failed call to the mesh, the status its {@link CallFailure classification} calls for: 503 when the
 * service has no healthy node, 504 when the node does not answer in time, 502 when it fails otherwise.
 */
@RestControllerAdvice
public class GatewayErrors {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrors.class);

    private final RateLimitedLog disconnects = new RateLimitedLog(log, Level.INFO, "a client left before its answer:");
    // A failing service fails every call: one line every 10 s with the count, not one per call.
    private final RateLimitedLog callFailures = new RateLimitedLog(log, Level.WARN, "calls to the mesh failed; latest:");
    private final RateLimitedLog unexpectedFailures = new RateLimitedLog(log, Level.ERROR, "unexpected failures of requests; latest:");
    private final GatewayNewsProperties news;
    private final boolean showDetails;

    public GatewayErrors(GatewayNewsProperties news, GatewayErrorProperties errors) {
        this.news = news;
        this.showDetails = errors.isShowDetails();
    }

    @ExceptionHandler(BadRequestException.class)
    ResponseEntity<Map<String, Object>> badRequest(BadRequestException e) {
        return error(HttpStatus.BAD_REQUEST, e.getMessage(), null);
    }

    /**
     * A failed call to the mesh. The HTTP client gets its status and what failed in words; the node's
     * address and what it said stay in the log and in {@code /actuator/mesh} — they are the mesh's
     * internals — unless {@code gateway.errors.show-details} puts them in the body for operators.
     */
    @ExceptionHandler({NoHealthyNodeException.class, TransportException.class, UnusableAnswerException.class})
    ResponseEntity<Map<String, Object>> callFailed(RuntimeException e) {
        FailureKind kind = CallFailure.of(e).kind();
        HttpStatus status = switch (kind) {
            case NO_NODE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMED_OUT -> HttpStatus.GATEWAY_TIMEOUT;
            default -> HttpStatus.BAD_GATEWAY;
        };
        if (e instanceof NoHealthyNodeException noNode) {
            return error(status, showDetails ? e.getMessage() : "no healthy instance of service '" + noNode.service() + "'",
                    noNode.service());
        }
        callFailures.happened(news.getService(), e.getMessage());
        if (showDetails) {
            String message = e instanceof RemoteErrorException remote
                    ? "the news node " + remote.node() + " answered with an error: " + remote.remoteMessage() : e.getMessage();
            return error(status, message, null);
        }
        return error(status, news.getService() + " " + publicly(kind), null);
    }

    private static String publicly(FailureKind kind) {
        return switch (kind) {
            case TIMED_OUT -> "did not answer in time";
            case REMOTE_ERROR -> "answered with an error";
            case UNUSABLE_ANSWER -> "gave an answer the gateway cannot use";
            default -> "could not be reached";
        };
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
        return error(shown, shown.getReasonPhrase(), null);
    }

    @ExceptionHandler(Exception.class)
    Mono<ResponseEntity<Map<String, Object>>> unexpected(Exception e, ServerHttpRequest request) {
        if (DisconnectedClientHelper.isClientDisconnectedException(e)) {
            // A client that left before its answer: nothing to answer, nothing wrong here.
            disconnects.happened(request.getRemoteAddress(), e.getClass().getSimpleName());
            return Mono.empty();
        }
        // No stack trace each time, and nothing of the request (its path is the client's text): the class and message.
        unexpectedFailures.happened("request", e.getClass().getName() + ": " + e.getMessage(), e);
        return Mono.just(error(HttpStatus.INTERNAL_SERVER_ERROR, "internal error; see the gateway's log", null));
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message, String service) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", status.getReasonPhrase());
        body.put("message", message);
        if (service != null) {
            body.put("service", service);
        }
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
