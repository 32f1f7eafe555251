package dev.consulmesh.registration;

/** Consul did not take a registration. */
public class RegistrationException extends RuntimeException {

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
