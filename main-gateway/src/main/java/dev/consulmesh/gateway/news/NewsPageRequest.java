package dev.consulmesh.gateway.news;

import org.springframework.util.MultiValueMap;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /fetchLatestNews}: the cursor (items published before {@code latestTime},
 * or at it with an id below {@code beforeId}) and the page size. A parameter given twice, given
 * without a value, or not one of these three is refused: a typo such as {@code limt=5} gets a 400
 * naming it instead of a default page.
 */
public record NewsPageRequest(long latestTime, String beforeId, int limit) {

    public static final int MAX_LIMIT = 100;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,16}");
    private static final Set<String> PARAMETERS = Set.of("latestTime", "beforeId", "limit");

    /** Reads and checks parsed query parameters; every problem names the parameter. */
    public static NewsPageRequest from(MultiValueMap<String, String> query, long now, int defaultLimit) {
        return from(null, query, now, defaultLimit);
    }

    /**
     * Reads and checks the query parameters; every problem names the parameter.
     *
     * @param rawQuery the query as it came, which still shows what parsing drops: a parameter without a
     *                 name ({@code ?=5}) or an empty one ({@code ?&&limit=5})
     */
    public static NewsPageRequest from(String rawQuery, MultiValueMap<String, String> query, long now, int defaultLimit) {
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String parameter : rawQuery.split("&", -1)) {
                if (parameter.isEmpty() || parameter.startsWith("=")) {
                    throw new BadRequestException("a query parameter has no name ('" + abbreviate(parameter)
                            + "' in '" + abbreviate(rawQuery) + "'): fetchLatestNews takes latestTime, beforeId and limit");
                }
            }
        }
        for (String name : query.keySet()) {
            if (!PARAMETERS.contains(name)) {
                throw new BadRequestException("unknown parameter '" + abbreviate(name)
                        + "': fetchLatestNews takes latestTime, beforeId and limit");
            }
        }
        String latestTime = single(query, "latestTime");
        String beforeId = single(query, "beforeId");
        String limit = single(query, "limit");
        long time = latestTime == null ? now : parseLatestTime(latestTime);
        if (beforeId != null && !ID.matcher(beforeId).matches()) {
            throw new BadRequestException("beforeId must be an item id (1 to 64 letters, digits, '-' or '_'), got '"
                    + abbreviate(beforeId) + "'");
        }
        if (beforeId != null && latestTime == null) {
            throw new BadRequestException("beforeId needs latestTime: pass the publishedAt of the item it names");
        }
        return new NewsPageRequest(time, beforeId, limit == null ? defaultLimit : parseLimit(limit));
    }

    private static String single(MultiValueMap<String, String> query, String name) {
        List<String> values = query.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadRequestException(name + " must be given once, got it " + values.size() + " times");
        }
        if (values.get(0) == null) {
            throw new BadRequestException(name + " needs a value (" + name + "=...)");
        }
        return values.get(0);
    }

    private static long parseLatestTime(String text) {
        if (!DIGITS.matcher(text).matches()) {
            throw new BadRequestException("latestTime must be a non-negative integer (epoch milliseconds), got '"
                    + abbreviate(text) + "'");
        }
        return Long.parseLong(text);
    }

    private static int parseLimit(String text) {
        if (!text.matches("\\d{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_LIMIT) {
            throw new BadRequestException("limit must be an integer from 1 to " + MAX_LIMIT + ", got '" + abbreviate(text) + "'");
        }
        return Integer.parseInt(text);
    }

    /** At most 40 characters, control characters shown as '?': the message quotes what the caller sent. */
    private static String abbreviate(String text) {
        String shown = text.length() <= 40 ? text : text.substring(0, 37) + "...";
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }
}
