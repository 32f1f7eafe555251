package dev.consulmesh.discovery;

import dev.consulmesh.consul.internal.ConsulHealthApi;
import dev.consulmesh.metrics.MeshMetrics;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.consul.model.http.health.Check;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Checks what Consul lists for a service before anything else reads it: any process that can register
 * (without ACLs, any process at all) writes instance ids, addresses, tags, metadata, weights and check
 * output, and these end up in HTTP headers, log lines, metric tags and the mesh page. An instance
 * whose id, address or port cannot be used is skipped; bad tags and metadata entries are dropped, check
 * output is cleaned, weights are clamped to {@code mesh.discovery.max-weight-ratio} times the lowest.
 * Each finding is counted ({@code mesh.discovery.registry.rejected}, by reason), logged as a warning
 * the first time per reason and service, then at debug level only, and listed for {@code /actuator/mesh}.
 */
public final class RegistryDataCheck {

    private static final Logger log = LoggerFactory.getLogger(RegistryDataCheck.class);

    /** Longest instance id used: ids become HTTP headers, log lines and metric tags (this mesh's are name-host-port). */
    static final int MAX_ID = 256;
    /** DNS: a name is at most 253 characters. */
    static final int MAX_HOST = 253;
    /** Consul's registration limits: 64 metadata keys, 128-character keys, 512-character values. */
    static final int MAX_META_ENTRIES = 64;
    static final int MAX_META_KEY = 128;
    static final int MAX_META_VALUE = 512;
    static final int MAX_TAGS = 64;
    static final int MAX_TAG = 256;
    static final int MAX_CHECK_TEXT = 1024;
    static final int MAX_DATACENTER = 64;
    /** Most findings kept for {@code /actuator/mesh}; the rest are counted. */
    static final int MAX_FINDINGS = 50;

    /** A host name (RFC 1123 labels; underscores, which some internal zones use) or an IPv4 address. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");
    /** An IPv6 literal, with an optional zone (fe80::1%eth0). */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}(%[A-Za-z0-9_.-]{1,32})?");
    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1," + MAX_DATACENTER + "}");

    /** Why an instance, or part of what it registered, is not used as Consul gave it. */
    public enum Reason {
        ID_INVALID("instance id empty, over " + MAX_ID + " characters or holding control characters", true),
        DUPLICATE_ID("instance id listed twice (the first is used)", true),
        ADDRESS_INVALID("address missing or not a host name or IP address", true),
        PORT_INVALID("port outside 1..65535", true),
        META_DROPPED("metadata entries dropped (control characters, too long, or over " + MAX_META_ENTRIES + ")", false),
        TAGS_DROPPED("tags dropped (control characters, too long, or over " + MAX_TAGS + ")", false),
        DATACENTER_INVALID("datacenter name unusable; the watched one is shown instead", false),
        WEIGHT_INVALID("weights outside Consul's range; Consul's defaults (1, 1) used", false),
        WEIGHT_CLAMPED("weight over mesh.discovery.max-weight-ratio times the service's lowest; clamped", false);

        private final String text;
        private final boolean skips;

        Reason(String text, boolean skips) {
            this.text = text;
            this.skips = skips;
        }

        /** The reason as a metric tag and in {@code /actuator/mesh}: id-invalid, weight-clamped... */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public boolean skips() {
            return skips;
        }
    }

    /**
     * One thing found in Consul's answer, for {@code /actuator/mesh}.
     *
     * @param instance the instance id, made printable (control characters as \\uXXXX, shortened)
     * @param reason   what was wrong, as a tag (id-invalid, weight-clamped...)
     * @param action   "skipped" (not routed to) or "used" (with safe values)
     * @param detail   what exactly, in words
     */
    public record Finding(String instance, String reason, String action, String detail) {
    }

    /** An instance as it may be used, with its health. */
    public record Checked(ServiceNode node, InstanceHealth health) {
    }

    /** What one answer from Consul holds that can be used, and what was found wrong in it. */
    public record Result(List<Checked> instances, List<Finding> findings, int moreFindings) {
    }

    /** What the watched instances are for, which decides what of them must be usable. */
    public enum Purpose {
        /** Nodes calls are routed to: a usable address and port, or the instance is skipped. */
        ROUTING,
        /**
         * Members only counted and ordered by id (a service's callers, which register without a port): the
         * id is checked as for routing; a missing or bad address or port is left empty, never routed to.
         */
        MEMBERSHIP
    }

    private final String service;
    private final String datacenter;
    private final int maxWeightRatio;
    private final Purpose purpose;
    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
    private final Map<Reason, AtomicBoolean> logged = new EnumMap<>(Reason.class);

    /**
     * @param service        the watched service: every instance is taken to be of it (the name Consul echoes is not read)
     * @param datacenter     the watched datacenter, null for the agent's own
     * @param maxWeightRatio most times the service's lowest weight an instance's weight is honoured
     */
    public RegistryDataCheck(String service, String datacenter, int maxWeightRatio, MeshMetrics metrics) {
        this(service, datacenter, maxWeightRatio, Purpose.ROUTING, metrics);
    }

    /** @param purpose what the instances are for: routed to, or only counted as members */
    public RegistryDataCheck(String service, String datacenter, int maxWeightRatio, Purpose purpose, MeshMetrics metrics) {
        this.service = service;
        this.datacenter = datacenter;
        this.maxWeightRatio = maxWeightRatio;
        this.purpose = purpose;
        for (Reason reason : Reason.values()) {
            counters.put(reason, metrics.registryRejected(reason.tag()));
            logged.put(reason, new AtomicBoolean());
        }
    }

    /** The usable instances of one answer (null entries and entries without a service skipped) and the findings. */
    public Result check(List<ConsulHealthApi.Entry> entries) {
        Findings findings = new Findings();
        List<Checked> usable = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConsulHealthApi.Entry entry : entries == null ? List.<ConsulHealthApi.Entry>of() : entries) {
            if (entry == null || entry.service() == null) {
                continue;
            }
            Checked checked = instance(entry, ids, findings);
            if (checked != null) {
                usable.add(checked);
            }
        }
        return new Result(clampWeights(usable, findings), List.copyOf(findings.kept), findings.more);
    }

    private Checked instance(ConsulHealthApi.Entry entry, Set<String> ids, Findings findings) {
        ConsulHealthApi.Service registered = entry.service();
        ConsulHealthApi.Node node = entry.node();
        String id = registered.id();
        if (id == null || id.isEmpty() || id.length() > MAX_ID || !printable(id)) {
            findings.add(Reason.ID_INVALID, id, id == null ? "no id" : id.length() + " characters");
            return null;
        }
        if (!ids.add(id)) {
            findings.add(Reason.DUPLICATE_ID, id, "another entry with this id came first");
            return null;
        }
        String host = registered.address();
        if ((host == null || host.isBlank()) && node != null) {
            host = node.address();
        }
        Integer port = registered.port();
        if (purpose == Purpose.MEMBERSHIP) {
            host = usableHost(host) ? host : "";
            port = port == null || port < 1 || port > 65_535 ? Integer.valueOf(0) : port;
        } else if (!usableHost(host)) {
            findings.add(Reason.ADDRESS_INVALID, id, host == null ? "no address" : "address '" + printable(host, 80) + "'");
            return null;
        } else if (port == null || port < 1 || port > 65_535) {
            findings.add(Reason.PORT_INVALID, id, "port " + port);
            return null;
        }
        Map<String, String> meta = meta(registered.meta(), id, "service", findings);
        Map<String, String> nodeMeta = meta(node == null ? null : node.meta(), id, "node", findings);
        List<String> tags = tags(registered.tags(), id, findings);
        String dc = node == null ? null : node.datacenter();
        if (dc != null && !dc.isEmpty() && !DATACENTER.matcher(dc).matches()) {
            findings.add(Reason.DATACENTER_INVALID, id, "datacenter '" + printable(dc, 80) + "'");
            dc = datacenter;
        }
        ServiceNode usable = new ServiceNode(id, service, host, port, meta, tags, dc == null || dc.isEmpty() ? datacenter : dc,
                nodeMeta, weights(registered.weights(), id, findings));
        return new Checked(usable, health(id, entry.checks()));
    }

    private static boolean usableHost(String host) {
        if (host == null || host.isEmpty() || host.length() > MAX_HOST) {
            return false;
        }
        return host.indexOf(':') >= 0 ? IPV6.matcher(host).matches() : HOST_NAME.matcher(host).matches();
    }

    private static Map<String, String> meta(Map<String, String> given, String id, String whose, Findings findings) {
        if (given == null || given.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new TreeMap<>();
        int dropped = 0;
        for (Map.Entry<String, String> entry : new TreeMap<>(nullSafe(given)).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue();
            if (kept.size() < MAX_META_ENTRIES && key.length() <= MAX_META_KEY && value.length() <= MAX_META_VALUE
                    && !key.isEmpty() && printable(key) && printable(value)) {
                kept.put(key, value);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            findings.add(Reason.META_DROPPED, id, dropped + " of " + given.size() + " " + whose + " metadata entries");
        }
        return kept;
    }

    /** Jackson may give a null key ("null" in JSON is not a key, but a map implementation may hold one). */
    private static Map<String, String> nullSafe(Map<String, String> given) {
        Map<String, String> copy = new LinkedHashMap<>();
        given.forEach((key, value) -> copy.put(key == null ? "" : key, value));
        return copy;
    }

    private static List<String> tags(List<String> given, String id, Findings findings) {
        if (given == null || given.isEmpty()) {
            return List.of();
        }
        List<String> kept = new ArrayList<>();
        int dropped = 0;
        for (String tag : given) {
            if (tag != null && !tag.isEmpty() && kept.size() < MAX_TAGS && tag.length() <= MAX_TAG && printable(tag)) {
                kept.add(tag);
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            findings.add(Reason.TAGS_DROPPED, id, dropped + " of " + given.size() + " tags");
        }
        return kept;
    }

    private static ServiceWeights weights(ConsulHealthApi.Weights given, String id, Findings findings) {
        if (given == null) {
            return ServiceWeights.DEFAULT;
        }
        if (ServiceWeights.valid(given.passing(), given.warning())) {
            return ServiceWeights.of(given.passing(), given.warning());
        }
        findings.add(Reason.WEIGHT_INVALID, id, "Passing=" + given.passing() + ", Warning=" + given.warning()
                + " outside 1.." + ServiceWeights.MAX + " (passing) and 0.." + ServiceWeights.MAX + " (warning)");
        return ServiceWeights.DEFAULT;
    }

    /**
     * A weight over {@code max-weight-ratio} times the lowest passing weight of the service is clamped to
     * that: one registrant cannot draw (nearly) all calls to itself by registering a huge weight.
     */
    private List<Checked> clampWeights(List<Checked> instances, Findings findings) {
        int lowest = instances.stream().mapToInt(checked -> checked.node().weights().passing()).min().orElse(1);
        long cap = Math.min((long) lowest * maxWeightRatio, ServiceWeights.MAX);
        List<Checked> clamped = new ArrayList<>(instances.size());
        for (Checked checked : instances) {
            ServiceNode node = checked.node();
            ServiceWeights weights = node.weights();
            if (weights.passing() <= cap && weights.warning() <= cap) {
                clamped.add(checked);
                continue;
            }
            ServiceWeights capped = new ServiceWeights((int) Math.min(weights.passing(), cap), (int) Math.min(weights.warning(), cap));
            findings.add(Reason.WEIGHT_CLAMPED, node.instanceId(), "Consul weights Passing=" + weights.passing() + ", Warning="
                    + weights.warning() + " clamped to " + capped.passing() + ", " + capped.warning() + " (" + maxWeightRatio
                    + " x the lowest, " + lowest + ")");
            clamped.add(new Checked(new ServiceNode(node.instanceId(), node.service(), node.host(), node.port(), node.meta(),
                    node.tags(), node.datacenter(), node.nodeMeta(), capped), checked.health()));
        }
        return clamped;
    }

    /** The worst status of an instance's checks, with what the failing ones said, cleaned and bounded. */
    private static InstanceHealth health(String instanceId, List<Check> checks) {
        InstanceHealth.Status worst = InstanceHealth.Status.PASSING;
        StringBuilder output = new StringBuilder();
        for (Check check : checks == null ? List.<Check>of() : checks) {
            if (check == null) {
                continue;
            }
            InstanceHealth.Status status = switch (check.getStatus() == null ? Check.CheckStatus.CRITICAL : check.getStatus()) {
                case PASSING -> InstanceHealth.Status.PASSING;
                case WARNING -> InstanceHealth.Status.WARNING;
                default -> InstanceHealth.Status.CRITICAL;
            };
            if (status != InstanceHealth.Status.PASSING && output.length() < MAX_CHECK_TEXT) {
                if (!output.isEmpty()) {
                    output.append("; ");
                }
                output.append(check.getName() == null ? "" : check.getName()).append(": ")
                        .append(check.getOutput() == null ? "" : check.getOutput().strip());
            }
            if (status.compareTo(worst) > 0) {
                worst = status;
            }
        }
        return new InstanceHealth(instanceId, worst, printable(output.toString(), MAX_CHECK_TEXT));
    }

    /** Whether a text holds nothing that breaks a header, a log line or a page's layout: no control or format characters. */
    static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafeAt(text, i)) {
                return false;
            }
        }
        return true;
    }

    /** A control, format or line/paragraph separator character, or half of a surrogate pair without its other half. */
    private static boolean unsafeAt(String text, int i) {
        char c = text.charAt(i);
        int type = Character.getType(c);
        if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR) {
            return true;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        return Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
    }

    /** The text with unsafe characters written as \\uXXXX and cut to at most {@code max} characters (then "..."). */
    public static String printable(String text, int max) {
        if (text == null) {
            return "";
        }
        StringBuilder shown = new StringBuilder(Math.min(text.length(), max) + 8);
        int i = 0;
        for (; i < text.length() && shown.length() < max; i++) {
            if (unsafeAt(text, i)) {
                shown.append(String.format("\\u%04x", (int) text.charAt(i)));
            } else if (Character.isHighSurrogate(text.charAt(i))) {
                shown.append(text, i, i + 2); // a whole pair (unsafeAt checked it has its low half), never half of one
                i++;
            } else {
                shown.append(text.charAt(i));
            }
        }
        if (i < text.length()) {
            shown.append("...");
        }
        return shown.toString();
    }

    /** The findings of one answer: counted and logged as they are made, the first {@link #MAX_FINDINGS} kept. */
    private final class Findings {
        final List<Finding> kept = new ArrayList<>();
        int more;

        void add(Reason reason, String id, String detail) {
            counters.get(reason).increment();
            String instance = printable(id == null ? "" : id, 80);
            String action = reason.skips() ? "skipped" : "used";
            if (logged.get(reason).compareAndSet(false, true)) {
                log.warn("service {}: instance '{}' in Consul: {} ({}); {} (logged once per reason; counted in"
                        + " mesh.discovery.registry.rejected, listed in /actuator/mesh)", service, instance, reason.text, detail,
                        reason.skips() ? "not routed to" : "used with safe values");
            } else if (log.isDebugEnabled()) {
                log.debug("service {}: instance '{}' in Consul: {} ({}); {}", service, instance, reason.text, detail, action);
            }
            if (kept.size() < MAX_FINDINGS) {
                kept.add(new Finding(instance, reason.tag(), action, detail));
            } else {
                more++;
            }
        }
    }
}
