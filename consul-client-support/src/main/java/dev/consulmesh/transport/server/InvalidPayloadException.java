package dev.consulmesh.transport.server;

import java.util.List;

/**
 * A payload that failed its {@code @Valid} constraints, answered as Nest's {@code ValidationPipe} with
 * an {@code RpcException} answers it: {@code {"status":"error","message":["<field> <problem>", ...]}}.
 */
public final class InvalidPayloadException extends RpcException {

    private final transient List<String> problems;

    public InvalidPayloadException(List<String> problems) {
        super("invalid payload: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per violated constraint, each naming its field: {@code limit must be less than or equal to 100}. */
    public List<String> problems() {
        return problems;
    }
}
