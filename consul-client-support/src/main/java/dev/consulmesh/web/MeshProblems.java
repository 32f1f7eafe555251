package dev.consulmesh.web;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.FailureKind;
import dev.consulmesh.transport.client.RemoteErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

import java.util.Optional;

/**
 * A failed call into the mesh as the RFC 9457 problem an HTTP client gets: its status from the failure's
 * {@link CallFailure classification} (503 no healthy node, 504 timed out, 502 any other failure), or the
 * node's own 4xx when its error was meant for the caller ({@link CallerError}: a Nest {@code statusCode},
 * or a {@code @Valid} payload refused, with the failing fields). The node's address and its own failure
 * stay out of the problem unless {@code mesh.web.problems.show-details} is on: they are the mesh's
 * internals, in the log and in {@code /actuator/mesh}.
 */
public final class MeshProblems {

    private static final Logger log = LoggerFactory.getLogger(MeshProblems.class);

    private final boolean showDetails;

    public MeshProblems(boolean showDetails) {
        this.showDetails = showDetails;
    }

    public MeshProblems(MeshProblemProperties properties) {
        this(properties.isShowDetails());
    }

    /** The answer for a failed call, its service named when the failure knows it (no healthy node). */
    public ResponseEntity<ProblemDetail> answer(Throwable failure) {
        return answer(failure, null);
    }

    /**
     * The answer for a failed call to {@code service}, the name an HTTP client reads in the problem. The
     * failure in full (the node's address, what it said) goes to the log, where an operator looks: a
     * warning for the mesh's failures, a debug line for a caller's own error.
     */
    public ResponseEntity<ProblemDetail> answer(Throwable failure, String service) {
        if (callerErrorOf(failure).isPresent()) {
            log.debug("{}", failure.getMessage());
        } else {
            log.warn("{}", failure.getMessage());
        }
        ProblemDetail problem = problem(failure, service);
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    /** The problem for a failed call to {@code service} ({@code null} when the caller does not name it). */
    public ProblemDetail problem(Throwable failure, String service) {
        String named = service != null ? service
                : failure instanceof NoHealthyNodeException noNode ? noNode.service() : null;
        Optional<CallerError> callerError = callerErrorOf(failure);
        if (callerError.isPresent()) {
            return callerProblem(callerError.get(), named);
        }
        FailureKind kind = CallFailure.of(failure).kind();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(statusOf(kind),
                showDetails ? String.valueOf(failure.getMessage()) : publicly(kind, named));
        if (named != null) {
            problem.setProperty("service", named);
        }
        return problem;
    }

    private static Optional<CallerError> callerErrorOf(Throwable failure) {
        return failure instanceof RemoteErrorException remote && !remote.isNoHandler()
                ? CallerError.of(remote.err()) : Optional.empty();
    }

    static HttpStatus statusOf(FailureKind kind) {
        return switch (kind) {
            case NO_NODE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMED_OUT -> HttpStatus.GATEWAY_TIMEOUT;
            case NOT_WRITTEN, TLS_HANDSHAKE, WRITTEN_THEN_FAILED, REMOTE_ERROR, UNUSABLE_ANSWER, UNEXPECTED ->
                    HttpStatus.BAD_GATEWAY;
        };
    }

    private static String publicly(FailureKind kind, String service) {
        if (kind == FailureKind.NO_NODE) {
            return service != null ? "no healthy instance of service '" + service + "'" : "no healthy instance of the service";
        }
        String subject = service != null ? service : "the service";
        return subject + " " + switch (kind) {
            case TIMED_OUT -> "did not answer in time";
            case REMOTE_ERROR -> "answered with an error";
            case UNUSABLE_ANSWER -> "gave an answer the caller cannot use";
            case WRITTEN_THEN_FAILED -> "lost the connection before it answered";
            case NO_NODE, NOT_WRITTEN, TLS_HANDSHAKE -> "could not be reached";
            case UNEXPECTED -> "failed";
        };
    }

    private static ProblemDetail callerProblem(CallerError error, String service) {
        // any 4xx a node sends, also one Spring has no constant for (499)
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(error.status()), error.message());
        if (service != null) {
            problem.setProperty("service", service);
        }
        if (!error.problems().isEmpty()) {
            problem.setProperty("errors", error.problems());
            problem.setProperty("fields", error.fields());
        }
        return problem;
    }
}
