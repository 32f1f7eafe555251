package dev.consulmesh.web;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * An error a node meant for its caller, read from the {@code err} it answered: a 4xx {@code statusCode}
 * in the error object (what Nest's {@code RpcException({statusCode, message})} and {@code HttpException}
 * answers carry), or the validation shape of the mesh's own {@code @Valid} handling and of Nest's
 * {@code ValidationPipe}: {@code {"status":"error","message":["<field> <problem>", ...]}}, a 400.
 *
 * @param status   the 4xx status to answer with
 * @param message  what the node said, for the problem's detail
 * @param problems the validation lines, one per violated constraint; empty for other errors
 * @param fields   the fields those lines name (the first word of each line), in their order, once each
 */
record CallerError(int status, String message, List<String> problems, List<String> fields) {

    static final int BAD_REQUEST = 400;

    /** The caller's error in {@code err}, or empty when the node's error is the node's own failure. */
    static Optional<CallerError> of(JsonNode err) {
        if (err == null || !err.isObject()) {
            return Optional.empty();
        }
        JsonNode message = err.get("message");
        List<String> problems = lines(message);
        JsonNode statusCode = err.get("statusCode");
        int status;
        if (statusCode != null && statusCode.isIntegralNumber()) {
            status = statusCode.asInt();
            if (status < 400 || status > 499) {
                return Optional.empty();
            }
        } else if (!problems.isEmpty()) {
            status = BAD_REQUEST;
        } else {
            return Optional.empty();
        }
        String text = message != null && message.isString() ? message.stringValue()
                : problems.isEmpty() ? "the request was refused" : "invalid payload: " + String.join("; ", problems);
        return Optional.of(new CallerError(status, text, problems, fieldsOf(problems)));
    }

    /** The lines of an array of strings; empty for anything else (an array with a non-string is not the validation shape). */
    private static List<String> lines(JsonNode message) {
        if (message == null || !message.isArray() || message.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(message.size());
        for (JsonNode line : message) {
            if (!line.isString()) {
                return List.of();
            }
            lines.add(line.stringValue());
        }
        return List.copyOf(lines);
    }

    private static List<String> fieldsOf(List<String> problems) {
        LinkedHashSet<String> fields = new LinkedHashSet<>();
        for (String line : problems) {
            int space = line.indexOf(' ');
            if (space > 0) {
                fields.add(line.substring(0, space));
            }
        }
        return List.copyOf(fields);
    }
}
