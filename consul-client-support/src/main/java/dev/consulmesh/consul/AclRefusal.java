package dev.consulmesh.consul;

/**
 * Consul refused a call for want of ACL rights (HTTP 403).
 *
 * @param consulSaid what Consul answered, e.g. "Permission denied: token with AccessorID '…' lacks
 *                   permission 'service:write' on "push-service"" or "ACL not found"
 * @param action     what to change: which property to set, or which right the token lacks
 */
public record AclRefusal(String consulSaid, String action) {

    /** Both, in one sentence. */
    public String text() {
        return consulSaid + " — " + action;
    }
}
