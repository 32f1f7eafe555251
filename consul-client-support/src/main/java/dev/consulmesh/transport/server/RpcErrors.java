package dev.consulmesh.transport.server;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Turns what a handler threw into the {@code err} value Nest would send for it. */
final class RpcErrors {

    static final String INTERNAL_SERVER_ERROR = "Internal server error";

    private final ObjectMapper mapper;

    RpcErrors(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Whether the error is one the handler meant its caller to see. */
    static boolean isIntended(Throwable error) {
        return error instanceof RpcException;
    }

    JsonNode toErr(Throwable error) {
        if (error instanceof InvalidPayloadException invalid) {
            // What a Nest ValidationPipe whose exceptionFactory throws an RpcException answers.
            ObjectNode err = mapper.createObjectNode();
            err.put("status", "error");
            ArrayNode messages = err.putArray("message");
            invalid.problems().forEach(messages::add);
            return err;
        }
        if (error instanceof RpcException rpc) {
            Object detail = rpc.error();
            if (detail == null || detail instanceof CharSequence) {
                return statusError(detail == null ? rpc.getMessage() : detail.toString());
            }
            return mapper.valueToTree(detail);
        }
        return statusError(INTERNAL_SERVER_ERROR);
    }

    private ObjectNode statusError(String message) {
        ObjectNode err = mapper.createObjectNode();
        err.put("status", "error");
        err.put("message", message);
        return err;
    }
}
