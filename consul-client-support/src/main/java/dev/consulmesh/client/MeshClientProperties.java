package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.pool.EjectionSettings;
import dev.consulmesh.pool.OutlierSettings;
import dev.consulmesh.subset.CallerSubsetProperties;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.tls.TlsProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the mesh calls the nodes of other services, and what it does when they fail. */
@Validated
@ConfigurationProperties("mesh.client")
public class MeshClientProperties {

    /** How long to wait for a TCP connection to a node. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration connectTimeout = Duration.ofSeconds(2);

    /** The deadline of a call, retries on other nodes included; then it fails with a timeout. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration requestTimeout = Duration.ofSeconds(5);

    /**
     * For idempotent patterns: how long one attempt on one node waits before the call is tried on
     * another node (within request-timeout). Other patterns wait for the whole request-timeout.
     */
    @NotNull
    @DurationMin(millis = 1)
    private Duration attemptTimeout = Duration.ofSeconds(2);

    /** Largest answer frame accepted, in UTF-16 code units of its JSON text; a larger one closes the connection. */
    @Min(64)
    private int maxFrameLength = 8 * 1024 * 1024;

    /** How long an answer frame may stay incomplete after its first byte arrived; then the connection closes. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration frameTimeout = Duration.ofSeconds(30);

    /**
     * How a call picks a node: peak-ewma (two random choices, lower latency times outstanding requests
     * plus one: a slow node gets few calls), least-outstanding (two random choices, fewer outstanding
     * requests), or round-robin (every node in turn, however slow).
     */
    @NotNull
    private BalancingStrategy strategy = BalancingStrategy.PEAK_EWMA;

    /**
     * In a Reactor Netty web server (WebFlux), run the connections to nodes on the server's own I/O
     * threads: a call made while serving a web request then writes, reads its answer and completes on
     * that request's thread. Off: the mesh client has threads of its own.
     */
    private boolean shareWebServerThreads = true;

    /**
     * Send each request's remaining time (its attempt's timeout) to the node, which then does not start
     * a handler whose caller has already given up, and answers with a timeout error instead. Off by
     * default: a request then goes out exactly as Nest writes it (with tracing off). Nest nodes ignore it.
     */
    private boolean propagateDeadline = false;

    /**
     * Patterns that may run twice without harm, written as on a handler (a string, or a JSON object's
     * text). Their calls are retried on another node even after they were written.
     */
    @NotNull
    private List<String> idempotentPatterns = new ArrayList<>();

    @Valid
    private final KeepAlive keepAlive = new KeepAlive();

    @Valid
    private final Ejection ejection = new Ejection();

    @Valid
    private final Retry retry = new Retry();

    @Valid
    private final AdaptiveAttemptTimeout adaptiveAttemptTimeout = new AdaptiveAttemptTimeout();

    /** TLS towards nodes: trusted CAs, and a client certificate for nodes that require one. */
    private final TlsProperties tls = new TlsProperties();

    /**
     * Follow Consul's weights of each instance (Weights.Passing, Weights.Warning): a node at 3 takes about
     * three times the calls of a node at 1, and an instance in warning joins at its warning weight (0 keeps
     * it out). Off: every passing node takes the same share and warning ones stay out.
     */
    private boolean consulWeights = true;

    /** The zone this process runs in; calls prefer nodes whose zone metadata (zone-meta-key) is the same. Unset: no preference. */
    private String zone;

    /** The metadata key, of the instance or else of its Consul node, that names an instance's zone. */
    @NotNull
    private String zoneMetaKey = "zone";

    /**
     * Datacenters to call, in order, when a service has no usable node in the local one (Consul's
     * datacenter names, joined over the WAN). Empty: the local datacenter only.
     */
    @NotNull
    private List<String> failoverDatacenters = new ArrayList<>();

    private final TrafficProperties.SlowStart slowStart = TrafficProperties.SlowStart.defaults();

    private final TrafficProperties.Canary canary = new TrafficProperties.Canary();

    private final TrafficProperties.ZonePreference zonePreference = TrafficProperties.ZonePreference.defaults();

    private final TrafficProperties.Hedge hedge = TrafficProperties.Hedge.defaults();

    /**
     * Subsetting: a caller connects to at most subset.size nodes of a larger service, its share chosen
     * from its position among the service's callers in Consul, so that load stays even. See docs/scale.md.
     */
    @Valid
    private final CallerSubsetProperties subset = new CallerSubsetProperties();

    /** Settings of one service's calls, by service name; each unset one is the mesh.client.* one. */
    @Valid
    private final Map<String, ServiceClientProperties> services = new LinkedHashMap<>();

    public TlsProperties getTls() {
        return tls;
    }

    public Map<String, ServiceClientProperties> getServices() {
        return services;
    }

    public boolean isConsulWeights() {
        return consulWeights;
    }

    public void setConsulWeights(boolean consulWeights) {
        this.consulWeights = consulWeights;
    }

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public String getZoneMetaKey() {
        return zoneMetaKey;
    }

    public void setZoneMetaKey(String zoneMetaKey) {
        this.zoneMetaKey = zoneMetaKey;
    }

    public List<String> getFailoverDatacenters() {
        return failoverDatacenters;
    }

    public void setFailoverDatacenters(List<String> failoverDatacenters) {
        this.failoverDatacenters = failoverDatacenters;
    }

    public CallerSubsetProperties getSubset() {
        return subset;
    }

    public TrafficProperties.SlowStart getSlowStart() {
        return slowStart;
    }

    public TrafficProperties.Canary getCanary() {
        return canary;
    }

    public TrafficProperties.ZonePreference getZonePreference() {
        return zonePreference;
    }

    public TrafficProperties.Hedge getHedge() {
        return hedge;
    }

    public AdaptiveAttemptTimeout getAdaptiveAttemptTimeout() {
        return adaptiveAttemptTimeout;
    }

    /**
     * How a client talks to one node, TLS aside: the TLS context comes from
     * {@link dev.consulmesh.transport.tls.TlsSetup#client}, which may need the application's SSL bundles.
     */
    public TcpClientOptions toOptions() {
        return new TcpClientOptions(connectTimeout, requestTimeout, maxFrameLength, frameTimeout,
                new TcpClientOptions.KeepAlive(keepAlive.idle, keepAlive.interval, keepAlive.count), null);
    }

    public EjectionSettings toEjectionSettings() {
        if (ejection.maxTime.compareTo(ejection.baseTime) < 0) {
            throw new IllegalArgumentException("mesh.client.ejection.max-time (" + ejection.maxTime.toMillis()
                    + " ms) is shorter than mesh.client.ejection.base-time (" + ejection.baseTime.toMillis() + " ms)");
        }
        if (ejection.window.toMillis() < 10) {
            throw new IllegalArgumentException("mesh.client.ejection.window must be at least 10 ms, got "
                    + ejection.window.toMillis() + " ms");
        }
        if (ejection.latencyFactor != 0 && ejection.latencyFactor < 1.5) {
            throw new IllegalArgumentException("mesh.client.ejection.latency-factor must be 0 (off) or at least 1.5, got "
                    + ejection.latencyFactor);
        }
        if (ejection.latencyMinDifference.isNegative()) {
            throw new IllegalArgumentException("mesh.client.ejection.latency-min-difference must not be negative, got "
                    + ejection.latencyMinDifference.toMillis() + " ms");
        }
        if (ejection.latencyGrace.isNegative()) {
            throw new IllegalArgumentException("mesh.client.ejection.latency-grace must not be negative, got "
                    + ejection.latencyGrace.toMillis() + " ms");
        }
        return new EjectionSettings(ejection.consecutiveTimeouts, ejection.baseTime, ejection.maxTime, ejection.jitter,
                ejection.panicThreshold, ejection.probeTimeout,
                new OutlierSettings(ejection.consecutiveFailures, ejection.failurePercentThreshold,
                        ejection.failurePercentMargin, ejection.minimumRequests, ejection.window,
                        ejection.maxEjectionPercent, ejection.trialCalls, ejection.latencyFactor,
                        ejection.latencyMinDifference, ejection.latencyGrace));
    }

    /**
     * An attempt timeout for idempotent calls that follows each service's latency, between a floor and
     * attempt-timeout: a stuck node costs a call tens of milliseconds instead of the whole attempt-timeout.
     */
    public static class AdaptiveAttemptTimeout {

        /** Whether the attempt timeout follows the service's latency; off: every attempt waits attempt-timeout. */
        private boolean enabled = true;

        /** The shortest attempt timeout, however fast the service answers. */
        @NotNull
        @DurationMin(millis = 1)
        private Duration floor = Duration.ofMillis(50);

        /** The timeout is this many times the percentile below of the service's answered attempts. */
        @DecimalMin("1.0")
        @DecimalMax("100.0")
        private double multiplier = 3;

        /** Which percentile of the service's answered attempts over the last ten seconds the timeout follows. */
        @DecimalMin(value = "50.0")
        @DecimalMax(value = "99.99")
        private double percentile = 99;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getFloor() {
            return floor;
        }

        public void setFloor(Duration floor) {
            this.floor = floor;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }

        public double getPercentile() {
            return percentile;
        }

        public void setPercentile(double percentile) {
            this.percentile = percentile;
        }
    }

    /** TCP keep-alive on the persistent connections to nodes. */
    public static class KeepAlive {

        /** Idle time before the first keep-alive probe. */
        @NotNull
        @DurationMin(seconds = 1)
        private Duration idle = Duration.ofSeconds(10);

        /** Time between keep-alive probes. */
        @NotNull
        @DurationMin(seconds = 1)
        private Duration interval = Duration.ofSeconds(5);

        /** Unanswered probes before the connection is closed. */
        @Min(1)
        private int count = 3;

        public Duration getIdle() {
            return idle;
        }

        public void setIdle(Duration idle) {
            this.idle = idle;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }
    }

    /** Passive ejection of failing nodes, probes, and panic mode. */
    public static class Ejection {

        /** Request timeouts in a row that eject a node (refused, reset or unconnectable nodes go at once). */
        @Min(1)
        private int consecutiveTimeouts = 3;

        /** Time out of rotation after a first ejection; doubles with each ejection in a row. */
        @NotNull
        @DurationMin(millis = 1)
        private Duration baseTime = Duration.ofSeconds(1);

        /** Longest time out of rotation between two probes. */
        @NotNull
        @DurationMin(millis = 1)
        private Duration maxTime = Duration.ofSeconds(15);

        /** Random share (0..1) added to or taken from each ejection time. */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private double jitter = 0.25;

        /**
         * Percentage of listed nodes that must be in rotation; below it, calls go to the least-bad of all
         * listed nodes (panic mode). 0: panic only when no node is left.
         */
        @Min(0)
        @Max(100)
        private int panicThreshold = 0;

        /** How long a connectivity probe waits for the connection, then for the answer. */
        @NotNull
        @DurationMin(millis = 1)
        private Duration probeTimeout = Duration.ofSeconds(1);

        /**
         * Failures of any kind in a row (error answers, unusable answers, timeouts) that eject a node,
         * when its failure share over the window exceeds the other nodes' by failure-percent-margin.
         */
        @Min(1)
        private int consecutiveFailures = 5;

        /**
         * A node that failed at least this share (percent) of its calls over the window, with at least
         * minimum-requests calls, is ejected when its share exceeds the other nodes' by failure-percent-margin.
         */
        @Min(1)
        @Max(100)
        private int failurePercentThreshold = 50;

        /**
         * Percentage points by which a node's failure share must exceed that of the service's other nodes
         * together before a failure rule ejects it: errors every node gives (bad input) eject none.
         */
        @Min(0)
        @Max(100)
        private int failurePercentMargin = 30;

        /** Calls over the window that a node, and its peers together, need before the failure-share rule judges it. */
        @Min(1)
        private int minimumRequests = 10;

        /** The sliding window over which the failure rules count a node's outcomes. */
        @NotNull
        @DurationMin(millis = 10)
        private Duration window = Duration.ofSeconds(10);

        /**
         * Most nodes (percent of those listed) the failure rules hold out of rotation at once; at least
         * one is always allowed. Refused or reset connections and consecutive timeouts eject regardless.
         */
        @Min(0)
        @Max(100)
        private int maxEjectionPercent = 10;

        /**
         * Calls a node re-admitted after an ejection for timeouts or failures must answer on trial (a few
         * calls at first, then a growing share; ejected again at its first failure) before it is healthy.
         */
        @Min(1)
        private int trialCalls = 5;

        /**
         * A node whose median latency over the window is at least this many times that of the other nodes
         * together (and latency-min-difference above it) is ejected as a latency outlier, within
         * max-ejection-percent, and comes back on trial. 0: never for latency; else at least 1.5.
         */
        @DecimalMin("0.0")
        private double latencyFactor = OutlierSettings.DEFAULT_LATENCY_FACTOR;

        /** How far a node's median latency must be above the other nodes' to stand out (sub-millisecond gaps eject none). */
        @NotNull
        private Duration latencyMinDifference = OutlierSettings.DEFAULT_LATENCY_MIN_DIFFERENCE;

        /**
         * How long a node entering rotation (new, restarted, or back from an ejection) is not judged on its
         * latency: its first calls pay for its cold start. Timeouts and failures still eject it; 0: judged at once.
         */
        @NotNull
        private Duration latencyGrace = OutlierSettings.DEFAULT_LATENCY_GRACE;

        public Duration getLatencyGrace() {
            return latencyGrace;
        }

        public void setLatencyGrace(Duration latencyGrace) {
            this.latencyGrace = latencyGrace;
        }

        public double getLatencyFactor() {
            return latencyFactor;
        }

        public void setLatencyFactor(double latencyFactor) {
            this.latencyFactor = latencyFactor;
        }

        public Duration getLatencyMinDifference() {
            return latencyMinDifference;
        }

        public void setLatencyMinDifference(Duration latencyMinDifference) {
            this.latencyMinDifference = latencyMinDifference;
        }

        public int getConsecutiveFailures() {
            return consecutiveFailures;
        }

        public void setConsecutiveFailures(int consecutiveFailures) {
            this.consecutiveFailures = consecutiveFailures;
        }

        public int getFailurePercentThreshold() {
            return failurePercentThreshold;
        }

        public void setFailurePercentThreshold(int failurePercentThreshold) {
            this.failurePercentThreshold = failurePercentThreshold;
        }

        public int getFailurePercentMargin() {
            return failurePercentMargin;
        }

        public void setFailurePercentMargin(int failurePercentMargin) {
            this.failurePercentMargin = failurePercentMargin;
        }

        public int getMinimumRequests() {
            return minimumRequests;
        }

        public void setMinimumRequests(int minimumRequests) {
            this.minimumRequests = minimumRequests;
        }

        public Duration getWindow() {
            return window;
        }

        public void setWindow(Duration window) {
            this.window = window;
        }

        public int getMaxEjectionPercent() {
            return maxEjectionPercent;
        }

        public void setMaxEjectionPercent(int maxEjectionPercent) {
            this.maxEjectionPercent = maxEjectionPercent;
        }

        public int getTrialCalls() {
            return trialCalls;
        }

        public void setTrialCalls(int trialCalls) {
            this.trialCalls = trialCalls;
        }

        public int getConsecutiveTimeouts() {
            return consecutiveTimeouts;
        }

        public void setConsecutiveTimeouts(int consecutiveTimeouts) {
            this.consecutiveTimeouts = consecutiveTimeouts;
        }

        public Duration getBaseTime() {
            return baseTime;
        }

        public void setBaseTime(Duration baseTime) {
            this.baseTime = baseTime;
        }

        public Duration getMaxTime() {
            return maxTime;
        }

        public void setMaxTime(Duration maxTime) {
            this.maxTime = maxTime;
        }

        public double getJitter() {
            return jitter;
        }

        public void setJitter(double jitter) {
            this.jitter = jitter;
        }

        public int getPanicThreshold() {
            return panicThreshold;
        }

        public void setPanicThreshold(int panicThreshold) {
            this.panicThreshold = panicThreshold;
        }

        public Duration getProbeTimeout() {
            return probeTimeout;
        }

        public void setProbeTimeout(Duration probeTimeout) {
            this.probeTimeout = probeTimeout;
        }
    }

    /** Retries on other nodes and their budget. */
    public static class Retry {

        /** Most attempts one call makes, the first included. */
        @Min(1)
        @Max(10)
        private int maxAttempts = 3;

        /** Retries allowed as a share of the calls made in the last 10 seconds. */
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private double budgetRatio = 0.2;

        /** Retries allowed per second whatever the traffic, so a burst right after a node dies is covered. */
        @Min(0)
        private int minPerSecond = 10;

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public double getBudgetRatio() {
            return budgetRatio;
        }

        public void setBudgetRatio(double budgetRatio) {
            this.budgetRatio = budgetRatio;
        }

        public int getMinPerSecond() {
            return minPerSecond;
        }

        public void setMinPerSecond(int minPerSecond) {
            this.minPerSecond = minPerSecond;
        }
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public int getMaxFrameLength() {
        return maxFrameLength;
    }

    public void setMaxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }

    public Duration getFrameTimeout() {
        return frameTimeout;
    }

    public void setFrameTimeout(Duration frameTimeout) {
        this.frameTimeout = frameTimeout;
    }

    public boolean isPropagateDeadline() {
        return propagateDeadline;
    }

    public void setPropagateDeadline(boolean propagateDeadline) {
        this.propagateDeadline = propagateDeadline;
    }

    public boolean isShareWebServerThreads() {
        return shareWebServerThreads;
    }

    public void setShareWebServerThreads(boolean shareWebServerThreads) {
        this.shareWebServerThreads = shareWebServerThreads;
    }

    public BalancingStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(BalancingStrategy strategy) {
        this.strategy = strategy;
    }

    public List<String> getIdempotentPatterns() {
        return idempotentPatterns;
    }

    public void setIdempotentPatterns(List<String> idempotentPatterns) {
        this.idempotentPatterns = idempotentPatterns;
    }

    public KeepAlive getKeepAlive() {
        return keepAlive;
    }

    public Ejection getEjection() {
        return ejection;
    }

    public Retry getRetry() {
        return retry;
    }
}
