package dev.consulmesh.balancing;

/** No instance of the service is passing its health check in Consul, so the call was not made. */
public class NoHealthyNodeException extends RuntimeException {

    private final String service;

    public NoHealthyNodeException(String service, String detail) {
        super("no healthy instance of service '" + service + "' (" + detail + ")");
        this.service = service;
    }

    public String service() {
        return service;
    }
}
