package dev.consulmesh.subset;

import java.time.Duration;

/**
 * Subsetting for every service this process calls ({@code mesh.client.subset.*}), and how this process
 * makes itself known as a caller: once a service it calls has more nodes than the subset size, it
 * registers in Consul as an instance of {@code <service>-callers} with a TTL check it keeps passing, and
 * reads the others from there to learn its position among them. See docs/scale.md.
 */
public class CallerSubsetProperties extends SubsetProperties {

    /** A service with more nodes than the size: each caller connects to a share of them, 32 at most. */
    public static final int DEFAULT_SIZE = 32;

    /**
     * This caller's id among the callers of a service, the same after a restart if it can be (a
     * restart then moves nothing). Default: this host's name and the process id.
     */
    private String callerId;

    /** The TTL of this caller's check in Consul; passed every third of it. A caller that dies drops out after it. */
    private Duration callerTtl = Duration.ofSeconds(10);

    public CallerSubsetProperties() {
        setSize(DEFAULT_SIZE);
    }

    public String getCallerId() {
        return callerId;
    }

    public void setCallerId(String callerId) {
        this.callerId = callerId;
    }

    public Duration getCallerTtl() {
        return callerTtl;
    }

    public void setCallerTtl(Duration callerTtl) {
        this.callerTtl = callerTtl;
    }
}
