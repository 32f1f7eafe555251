package dev.consulmesh.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** How a web application answers its HTTP clients when a call into the mesh fails. */
@ConfigurationProperties("mesh.web.problems")
public class MeshProblemProperties {

    /**
     * Answer a failed mesh call as an RFC 9457 problem (application/problem+json): 503 without a healthy
     * node, 504 on a timeout, 502 for other failures, the node's 4xx for an error it meant for the caller.
     * Off leaves the failures to the application's handlers or to Spring Boot's error page (a 500).
     */
    private boolean enabled = true;

    /**
     * Put the node's address and what it said into 502/503/504 problems. Off by default: those are the
     * mesh's internals, shown in the log and in /actuator/mesh; turn on for operators' own clients.
     */
    private boolean showDetails = false;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean isShowDetails() {
        return showDetails;
    }

    public void setShowDetails(boolean showDetails) {
        this.showDetails = showDetails;
    }
}
