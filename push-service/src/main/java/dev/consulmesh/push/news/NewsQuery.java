package dev.consulmesh.push.news;

import tools.jackson.databind.JsonNode;

/**
 * A request for one page of news, newest first, strictly older than a cursor.
 *
 * <p>The cursor is {@code (latestTime, beforeId)}. Without {@code beforeId} a page holds items published before
 * {@code latestTime}. To fetch the next page, pass the last item's {@code publishedAt} as {@code latestTime} and its
 * {@code id} as {@code beforeId}: items published at that same millisecond with a smaller id come next, so paging
 * neither repeats nor skips items that share a timestamp.
 *
 * @param latestTime epoch milliseconds; only items published before it (or at it, with {@code beforeId}) are returned
 * @param beforeId   the id of the last item already seen at {@code latestTime}, or {@code null}
 * @param limit      the largest number of items to return, from 1 to {@value #MAX_LIMIT}
 */
public record NewsQuery(long latestTime, String beforeId, int limit) {

    /** The page size when the caller names none. */
    public static final int DEFAULT_LIMIT = 20;

    /** The largest page a caller may ask for. */
    public static final int MAX_LIMIT = 100;

    private static final int MAX_ECHOED_CHARS = 60;

    public NewsQuery {
        if (latestTime < 0) {
            throw new InvalidNewsQueryException(
                    "latestTime must be a non-negative integer (epoch milliseconds), got " + latestTime);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new InvalidNewsQueryException(
                    "limit must be an integer from 1 to " + MAX_LIMIT + ", got " + limit);
        }
    }

    /** The first page: the newest {@code limit} items published before {@code now}. */
    public static NewsQuery firstPage(long now, int limit) {
        return new NewsQuery(now, null, limit);
    }

    /** The page that follows the one ending with {@code last}. */
    public NewsQuery after(NewsItem last) {
        return new NewsQuery(last.publishedAt(), last.id(), limit);
    }

    /**
     * Reads the {@code data} of a news request. Accepted forms:
     * <ul>
     *   <li>{@code null}, or no data at all: the first page before {@code now}, {@value #DEFAULT_LIMIT} items;</li>
     *   <li>a bare number, as the NestJS gateway sends it: {@code latestTime};</li>
     *   <li>a bare string of decimal digits: {@code latestTime} too, because callers that build the payload from a
     *       URL query parameter hand the number on as a string; any other string is refused;</li>
     *   <li>an object {@code {"latestTime": .., "beforeId": .., "limit": ..}}, every field optional; other fields
     *       are ignored so that callers may add their own.</li>
     * </ul>
     * Within an object, {@code latestTime} and {@code limit} follow the same rule as a bare {@code latestTime}: a
     * JSON number with no fractional part ({@code 1712345678901.0} counts) or a string of digits; a
     * {@code null} field means the default ({@code now}, {@value #DEFAULT_LIMIT}). {@code beforeId} is a string or
     * {@code null}.
     *
     * @param data the request's data; {@code null} or a JSON null/missing node are allowed
     * @param now  the current time in epoch milliseconds, used when no {@code latestTime} is given
     * @throws InvalidNewsQueryException naming the field that is wrong and the value that was sent
     */
    public static NewsQuery fromPayload(JsonNode data, long now) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return new NewsQuery(now, null, DEFAULT_LIMIT);
        }
        if (data.isNumber() || data.isString()) {
            return new NewsQuery(latestTimeOf(data, now), null, DEFAULT_LIMIT);
        }
        if (!data.isObject()) {
            throw new InvalidNewsQueryException("data must be a number (latestTime) or an object "
                    + "{latestTime, beforeId, limit}, got " + echo(data));
        }
        return new NewsQuery(latestTimeOf(data.get("latestTime"), now), beforeIdOf(data.get("beforeId")),
                limitOf(data.get("limit")));
    }

    private static long latestTimeOf(JsonNode node, long now) {
        if (node == null || node.isNull()) {
            return now;
        }
        Long value = nonNegativeLong(node);
        if (value == null) {
            throw new InvalidNewsQueryException(
                    "latestTime must be a non-negative integer (epoch milliseconds), got " + echo(node));
        }
        return value;
    }

    private static String beforeIdOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw new InvalidNewsQueryException(
                    "beforeId must be a string (the id of the last item already received), got " + echo(node));
        }
        return node.stringValue();
    }

    private static int limitOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return DEFAULT_LIMIT;
        }
        Long value = nonNegativeLong(node);
        if (value == null || value < 1 || value > MAX_LIMIT) {
            throw new InvalidNewsQueryException(
                    "limit must be an integer from 1 to " + MAX_LIMIT + ", got " + echo(node));
        }
        return value.intValue();
    }

    /** The value of an integral number or a digit string that fits a long and is not negative, else null. */
    private static Long nonNegativeLong(JsonNode node) {
        long value;
        if (node.isNumber() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isString() && isDigits(node.stringValue())) {
            try {
                value = Long.parseLong(node.stringValue());
            } catch (NumberFormatException tooLarge) {
                return null;
            }
        } else {
            return null;
        }
        return value < 0 ? null : value;
    }

    private static boolean isDigits(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The offending value as JSON, shortened so that a huge payload does not end up in a log line. */
    private static String echo(JsonNode node) {
        String json = node.toString();
        if (node.isContainer()) {
            json = (node.isArray() ? "an array " : "an object ") + json;
        }
        return json.length() <= MAX_ECHOED_CHARS ? json : json.substring(0, MAX_ECHOED_CHARS) + "...";
    }
}
