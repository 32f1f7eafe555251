package dev.consulmesh.client;

import java.time.Duration;

/**
 * The groups of traffic settings that {@code mesh.client.*} sets for every service and
 * {@code mesh.client.services.<service>.*} for one: in a service's group every setting left unset is the
 * {@code mesh.client.*} one. See docs/traffic.md.
 */
public final class TrafficProperties {

    private TrafficProperties() {
    }

    /** A node entering rotation (new, or back from an ejection) takes a share that grows over a window. */
    public static class SlowStart {

        /** Whether nodes entering rotation ramp up. */
        private Boolean enabled;

        /** How long a node's share grows. */
        private Duration window;

        /** How it grows: (t / window) ^ (1 / aggression); 1 is linear, above 1 faster at first. */
        private Double aggression;

        /** The share a node starts with, percent of its full weight (above 0, at most 100). */
        private Double minWeightPercent;

        static SlowStart defaults() {
            SlowStart defaults = new SlowStart();
            defaults.enabled = false;
            defaults.window = Duration.ofSeconds(30);
            defaults.aggression = 1.0;
            defaults.minWeightPercent = 10.0;
            return defaults;
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public Double getAggression() {
            return aggression;
        }

        public void setAggression(Double aggression) {
            this.aggression = aggression;
        }

        public Double getMinWeightPercent() {
            return minWeightPercent;
        }

        public void setMinWeightPercent(Double minWeightPercent) {
            this.minWeightPercent = minWeightPercent;
        }
    }

    /**
     * Sends a share of calls, or the calls that carry a header, to the canary instances: those with a tag,
     * or a metadata value; the others take the rest. With no canary instance, every call goes to the rest.
     */
    public static class Canary {

        /** The tag that marks a canary instance. */
        private String tag;

        /** The metadata that marks a canary instance, as key=value (e.g. version=2). */
        private String meta;

        /** Percent of calls (0..100) that go to the canary instances. */
        private Double percent;

        /**
         * A request header (of the call the caller serves, handed over with {@link CallHeaders}) that sends
         * a call to the canary instances whatever percent says.
         */
        private String header;

        /** The value that header must have; unset: any value. */
        private String headerValue;

        public String getTag() {
            return tag;
        }

        public void setTag(String tag) {
            this.tag = tag;
        }

        public String getMeta() {
            return meta;
        }

        public void setMeta(String meta) {
            this.meta = meta;
        }

        public Double getPercent() {
            return percent;
        }

        public void setPercent(Double percent) {
            this.percent = percent;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public String getHeaderValue() {
            return headerValue;
        }

        public void setHeaderValue(String headerValue) {
            this.headerValue = headerValue;
        }
    }

    /** Calls prefer nodes in the caller's zone (mesh.client.zone) while enough of them are usable. */
    public static class ZonePreference {

        /** Whether calls prefer the caller's zone (needs mesh.client.zone). */
        private Boolean preferLocal;

        /**
         * Percent (0..100) of the nodes in the caller's zone that must be usable for calls to stay in it;
         * below, calls spread over every zone until enough are back.
         */
        private Double threshold;

        static ZonePreference defaults() {
            ZonePreference defaults = new ZonePreference();
            defaults.preferLocal = true;
            defaults.threshold = 50.0;
            return defaults;
        }

        public Boolean getPreferLocal() {
            return preferLocal;
        }

        public void setPreferLocal(Boolean preferLocal) {
            this.preferLocal = preferLocal;
        }

        public Double getThreshold() {
            return threshold;
        }

        public void setThreshold(Double threshold) {
            this.threshold = threshold;
        }
    }

    /**
     * A second attempt on another node when the first has not answered after a delay, for idempotent
     * patterns: the first answer wins, the other attempt is cancelled. Hedges spend the retry budget.
     */
    public static class Hedge {

        /** Whether idempotent calls are hedged. */
        private Boolean enabled;

        /** How long the first attempt runs alone; unset: the service's recent 95th percentile latency. */
        private Duration delay;

        static Hedge defaults() {
            Hedge defaults = new Hedge();
            defaults.enabled = false;
            return defaults;
        }

        public Boolean getEnabled() {
            return enabled;
        }

        public void setEnabled(Boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getDelay() {
            return delay;
        }

        public void setDelay(Duration delay) {
            this.delay = delay;
        }
    }
}
