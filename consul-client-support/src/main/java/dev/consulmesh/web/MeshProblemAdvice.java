package dev.consulmesh.web;

import dev.consulmesh.client.NoHealthyNodeException;
import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.transport.client.TransportException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers every failed mesh call that reaches a controller of a WebFlux or Spring MVC application with
 * its {@link MeshProblems problem}, so a caller writes no handler for them. Ordered last: a controller's
 * own {@code @ExceptionHandler} and any advice of the application that handles these exceptions (or a
 * superclass of them, such as {@code Exception}) answer first; such a catch-all can hand mesh failures
 * back with {@link MeshProblems#answer}.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class MeshProblemAdvice {

    private final MeshProblems problems;

    public MeshProblemAdvice(MeshProblems problems) {
        this.problems = problems;
    }

    @ExceptionHandler({NoHealthyNodeException.class, TransportException.class, UnusableAnswerException.class})
    public ResponseEntity<ProblemDetail> callFailed(RuntimeException failure) {
        return problems.answer(failure);
    }
}
