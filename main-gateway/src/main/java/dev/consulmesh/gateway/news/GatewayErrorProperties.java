package dev.consulmesh.gateway.news;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** What the gateway's error answers tell an HTTP client. */
@ConfigurationProperties("gateway.errors")
public class GatewayErrorProperties {

    /**
     * Put the node's address and what it said into 502/503/504 bodies. Off by default: those are the
     * mesh's internals, shown in the log and in /actuator/mesh; turn on for operators' own clients.
     */
    private boolean showDetails = false;

    public boolean isShowDetails() {
        return showDetails;
    }

    public void setShowDetails(boolean showDetails) {
        this.showDetails = showDetails;
    }
}
