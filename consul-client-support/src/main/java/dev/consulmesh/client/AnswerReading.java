package dev.consulmesh.client;

import dev.consulmesh.failure.UnusableAnswerException;
import dev.consulmesh.pool.PooledNode;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.util.function.Supplier;

/**
 * How a node's answer value becomes the caller's type, and what an answer the caller cannot use says:
 * the service, the pattern, the type expected and what came.
 */
final class AnswerReading {

    private final ObjectMapper mapper;

    AnswerReading(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The caller's reading of a node's answer; whatever it throws makes the answer that node's unusable one. */
    static <T> T decode(PooledNode node, Supplier<T> reading) {
        try {
            return reading.get();
        } catch (RuntimeException e) {
            throw UnusableAnswerException.of(node.node().address(), e);
        }
    }

    /** A value of the answer as the caller's type, or an unusable answer naming what was expected. */
    <T> T convert(JsonNode value, JavaType type, String service, Object pattern) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (RawAnswers.keepsBytes(type)) {
            try {
                @SuppressWarnings("unchecked")
                T raw = (T) RawAnswers.read(value, type);
                return raw;
            } catch (IllegalArgumentException e) {
                throw new UnusableAnswerException("service '" + service + "', pattern " + describe(pattern) + ": "
                        + e.getMessage(), e);
            }
        }
        try {
            return mapper.treeToValue(value, type);
        } catch (JacksonException e) {
            throw new UnusableAnswerException("service '" + service + "', pattern " + describe(pattern) + ": expected "
                    + type.toCanonical() + ", got " + abbreviate(value.toString()) + " (" + e.getOriginalMessage() + ")", e);
        }
    }

    /** A pattern as an error message names it: a string in quotes, any other as its JSON. */
    static String describe(Object pattern) {
        if (pattern instanceof JsonNode node && node.isString()) {
            return "'" + node.stringValue() + "'";
        }
        return pattern instanceof String text ? "'" + text + "'" : String.valueOf(pattern);
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
