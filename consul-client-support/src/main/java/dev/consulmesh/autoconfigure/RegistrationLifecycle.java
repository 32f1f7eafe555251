package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.ConsulRegistrar;
import dev.consulmesh.registration.ServiceRegistration;
import org.springframework.context.SmartLifecycle;

import java.util.function.Supplier;

/**
 * Registers this process in Consul once everything it serves is up, and deregisters it first thing
 * on shutdown, before the servers stop, so callers stop choosing it while it still answers.
 */
final class RegistrationLifecycle implements SmartLifecycle {

    /** Above the web server's graceful-shutdown phase: start last, stop first. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

    private final ConsulRegistrar registrar;
    private final Supplier<ServiceRegistration> registrationFactory;
    private volatile ServiceRegistration registered;

    RegistrationLifecycle(ConsulRegistrar registrar, Supplier<ServiceRegistration> registrationFactory) {
        this.registrar = registrar;
        this.registrationFactory = registrationFactory;
    }

    @Override
    public void start() {
        ServiceRegistration registration = registrationFactory.get();
        if (registration != null) {
            registrar.register(registration);
            registered = registration;
        }
    }

    @Override
    public void stop() {
        ServiceRegistration registration = registered;
        if (registration != null) {
            registrar.deregister(registration);
            registered = null;
        }
    }

    @Override
    public boolean isRunning() {
        return registered != null;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** What this process registered, or null when it did not. */
    ServiceRegistration registered() {
        return registered;
    }
}
