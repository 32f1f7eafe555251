package dev.consulmesh.client;

import dev.consulmesh.failure.CallFailure;
import dev.consulmesh.failure.ClassifiedFailure;
import dev.consulmesh.failure.FailureKind;

/** No instance of the service is passing its health check in Consul, so the call was not made. */
public class NoHealthyNodeException extends RuntimeException implements ClassifiedFailure {

    private final String service;

    public NoHealthyNodeException(String service, String detail) {
        super("no healthy instance of service '" + service + "' (" + detail + ")");
        this.service = service;
    }

    public String service() {
        return service;
    }

    @Override
    public CallFailure callFailure() {
        return new CallFailure(FailureKind.NO_NODE, CallFailure.Blame.NONE, getMessage());
    }
}
