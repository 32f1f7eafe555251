package dev.consulmesh.traffic;

import dev.consulmesh.discovery.ServiceNode;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Which instances are a service's canary (a tag, or a metadata value), and which calls go to them: a
 * share of all calls, and every call that carries a header.
 *
 * @param tag         the tag of a canary instance, or null
 * @param metaKey     the metadata key of a canary instance, or null
 * @param metaValue   the value it has on a canary instance
 * @param percent     share of calls (0..100) sent to the canary instances
 * @param header      a request header that sends a call to the canary instances, or null
 * @param headerValue the value it must have, or null for any
 */
public record CanaryRule(String tag, String metaKey, String metaValue, double percent, String header, String headerValue) {

    /**
     * The rule the settings describe, or null when they name no canary.
     *
     * @param meta  key=value
     * @param where the property group, for messages (mesh.client.services.x.canary)
     * @throws IllegalArgumentException naming the property when a setting is wrong
     */
    public static CanaryRule of(String tag, String meta, Double percent, String header, String headerValue, String where) {
        boolean marked = tag != null && !tag.isBlank() || meta != null && !meta.isBlank();
        if (percent != null && (!(percent >= 0) || percent > 100)) {
            throw new IllegalArgumentException(where + ".percent must be 0..100 (percent of calls), got " + percent);
        }
        if (!marked) {
            if (percent != null && percent > 0 || header != null && !header.isBlank()) {
                throw new IllegalArgumentException(where + " sends calls to canary instances but names none: set "
                        + where + ".tag or " + where + ".meta (key=value)");
            }
            return null;
        }
        String key = null;
        String value = null;
        if (meta != null && !meta.isBlank()) {
            int equals = meta.indexOf('=');
            if (equals <= 0 || equals == meta.length() - 1) {
                throw new IllegalArgumentException(where + ".meta must be key=value (e.g. version=2), got '" + meta + "'");
            }
            key = meta.substring(0, equals).strip();
            value = meta.substring(equals + 1).strip();
        }
        return new CanaryRule(tag == null || tag.isBlank() ? null : tag.strip(), key, value, percent == null ? 0 : percent,
                header == null || header.isBlank() ? null : header.strip(), headerValue);
    }

    /** Whether the instance is a canary: it has the tag, or the metadata value (of the service, else of its node). */
    public boolean isCanary(ServiceNode node) {
        return tag != null && node.tags().contains(tag) || metaKey != null && metaValue.equals(node.metaValue(metaKey));
    }

    /**
     * Whether this call goes to the canary instances: it carries the header, or it falls in the share.
     *
     * @param headers the request headers of the caller's own call, by name; null when it handed none over
     */
    public boolean takes(Function<String, String> headers) {
        if (header != null && headers != null) {
            String given = headers.apply(header);
            if (given != null && (headerValue == null || headerValue.equals(given))) {
                return true;
            }
        }
        return percent > 0 && (percent >= 100 || ThreadLocalRandom.current().nextDouble(100) < percent);
    }

    /** The canary's marker, for reports: tag:x or key=value. */
    public String describe() {
        return tag != null ? "tag " + tag : metaKey + "=" + metaValue;
    }
}
