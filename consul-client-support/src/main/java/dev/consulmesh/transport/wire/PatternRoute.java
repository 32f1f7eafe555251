package dev.consulmesh.transport.wire;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.text.Collator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The route string a pattern is matched by, computed the way NestJS does it.
 *
 * <ul>
 *   <li>A string routes as itself, a number as its decimal text.</li>
 *   <li>An object or array routes by a canonical text: keys sorted, each {@code "key":} followed by
 *       {@code "value"} for a string or the route of anything else, joined by {@code ,} in braces;
 *       backslashes and quotes in keys and strings are escaped; nesting deeper than 5 becomes
 *       {@code [MAX_DEPTH_REACHED]} and more than 20 keys {@code [TOO_MANY_KEYS]}.</li>
 *   <li>An incoming string pattern is first parsed as JSON when it can be, so {@code "1e3"} routes as
 *       {@code 1000}; {@code true}, {@code false} and {@code null} as a whole pattern match nothing.</li>
 * </ul>
 *
 * Keys are sorted with a root-locale {@link Collator}, which orders letters case-insensitively first
 * and accents after their base letter, as JavaScript's {@code localeCompare} does for the keys
 * patterns use in practice (ASCII letters, digits, underscore); exotic keys may sort differently.
 */
public final class PatternRoute {

    private static final int MAX_DEPTH = 5;
    private static final int MAX_KEYS = 20;
    private static final BigDecimal INTEGRAL_TEXT_LIMIT = new BigDecimal("1e21");

    private final ObjectReader reader;
    private final Collator collator;

    public PatternRoute(ObjectMapper mapper) {
        // Like JSON.parse, only a text that is one JSON value and nothing after it parses: "1 second" stays a string.
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.collator = Collator.getInstance(Locale.ROOT);
    }

    /** The route of a pattern as a server receives it; empty when it can match no handler. */
    public Optional<String> ofIncoming(JsonNode pattern) {
        JsonNode parsed = pattern.isString() ? parseIfJson(pattern.stringValue()).orElse(pattern) : pattern;
        return Optional.ofNullable(route(parsed, 0));
    }

    /**
     * The route of a pattern declared on a handler: text that parses as a JSON object or array is that
     * object's route; any other text is used as it is (as Nest registers string patterns).
     */
    public String ofDeclared(String declared) {
        return parseIfJson(declared)
                .filter(JsonNode::isContainer)
                .map(node -> route(node, 0))
                .orElse(declared);
    }

    /**
     * A declared pattern as a client sends it: text that parses as a JSON object or array as that JSON
     * (Nest routes an object pattern by its keys, not by one string's text), any other text as the string.
     */
    public JsonNode asSent(String declared) {
        return parseIfJson(declared)
                .filter(JsonNode::isContainer)
                .orElseGet(() -> JsonNodeFactory.instance.stringNode(declared));
    }

    /** The route of a pattern given as a JSON value on the sending side. */
    public String of(JsonNode pattern) {
        String route = route(pattern, 0);
        return route != null ? route : pattern.toString();
    }

    private Optional<JsonNode> parseIfJson(String text) {
        if (!mayBeJson(text)) {
            return Optional.empty(); // the common case, a plain name: no parse, no exception per request
        }
        try {
            return Optional.ofNullable(reader.readTree(text)).filter(node -> !node.isMissingNode());
        } catch (JacksonException notJson) {
            return Optional.empty();
        }
    }

    /** Whether the text can start a JSON value: an object, array, string, number, true, false or null. */
    private static boolean mayBeJson(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return false;
        }
        char first = trimmed.charAt(0);
        return first == '{' || first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9')
                || trimmed.equals("true") || trimmed.equals("false") || trimmed.equals("null");
    }

    /** Returns null for values Nest leaves as non-strings (booleans, null) at the top level. */
    private String route(JsonNode node, int depth) {
        if (node.isString()) {
            return node.stringValue();
        }
        if (node.isNumber()) {
            return numberText(node);
        }
        if (!node.isContainer()) {
            return null;
        }
        if (depth > MAX_DEPTH) {
            return "[MAX_DEPTH_REACHED]";
        }
        List<String> keys = new ArrayList<>(node.size());
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                keys.add(Integer.toString(i));
            }
        } else {
            for (Iterator<String> names = node.propertyNames().iterator(); names.hasNext(); ) {
                keys.add(names.next());
            }
        }
        if (keys.size() > MAX_KEYS) {
            return "[TOO_MANY_KEYS]";
        }
        keys.sort(collator);
        StringBuilder text = new StringBuilder("{");
        for (String key : keys) {
            if (text.length() > 1) {
                text.append(',');
            }
            JsonNode value = node.isArray() ? node.get(Integer.parseInt(key)) : node.get(key);
            text.append('"').append(escape(key)).append("\":");
            if (value.isString()) {
                text.append('"').append(escape(value.stringValue())).append('"');
            } else {
                String nested = route(value, depth + 1);
                text.append(nested != null ? nested : value.toString());
            }
        }
        return text.append('}').toString();
    }

    /** A number as JavaScript prints it, for the integral and plain decimal values patterns use. */
    private static String numberText(JsonNode node) {
        BigDecimal value = node.decimalValue();
        if (value.signum() == 0) {
            return "0";
        }
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0 && stripped.abs().compareTo(INTEGRAL_TEXT_LIMIT) < 0) {
            return stripped.toPlainString();
        }
        double asDouble = value.doubleValue();
        if (asDouble == Math.rint(asDouble) && Math.abs(asDouble) < 1e21) {
            return new BigDecimal(asDouble).toPlainString();
        }
        return Double.toString(asDouble).replace("E", "e+").replace("e+-", "e-");
    }

    private static String escape(String text) {
        if (text.indexOf('\\') < 0 && text.indexOf('"') < 0) {
            return text;
        }
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
