package dev.consulmesh.registration;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Keeps this process registered for as long as it runs. When the agent cannot be reached at startup,
 * the process keeps serving and registration is retried with backoff; when it answers and refuses the
 * registration for want of ACL rights, start-up fails, since no retry can help. Once registered, the keeper
 * asks Consul every verify-interval whether it still lists the instance, and registers it again when
 * the agent lost it (an agent restart forgets services registered over its API; Spring Cloud's own
 * re-registration only works with TTL checks).
 */
public final class RegistrationKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RegistrationKeeper.class);

    /** Longest wait for the agent to confirm a deregistration on shutdown. */
    static final Duration DEREGISTRATION_TIMEOUT = Duration.ofSeconds(5);

    private final ConsulRegistrar registrar;
    private final Duration verifyInterval;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Counter reregistrations;
    private volatile ServiceRegistration registration;
    private volatile boolean registered;
    private volatile boolean running;
    private volatile String consulProblem;
    private Thread thread;

    public RegistrationKeeper(ConsulRegistrar registrar, Duration verifyInterval, Duration initialBackoff,
                              Duration maxBackoff, Counter reregistrations) {
        this.registrar = registrar;
        this.verifyInterval = verifyInterval;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.reregistrations = reregistrations;
    }

    /**
     * Registers now if the agent answers, else keeps trying in the background; returns at once either way.
     *
     * @throws RegistrationRefusedException when the agent answers and refuses for want of ACL rights
     */
    public synchronized void start(ServiceRegistration toKeep) {
        if (running) {
            throw new IllegalStateException("already keeping " + registration.instanceId() + " registered");
        }
        try {
            registrar.register(toKeep);
            registered = true;
        } catch (RegistrationRefusedException e) {
            throw e;
        } catch (RegistrationException e) {
            consulProblem = e.getMessage();
            log.warn("{}; serving anyway and retrying with backoff until the agent answers", e.getMessage());
        }
        registration = toKeep;
        running = true;
        thread = new Thread(this::keep, "consul-registration");
        thread.setDaemon(true);
        thread.start();
    }

    /** True while Consul lists this instance as far as the keeper knows. */
    public boolean isRegistered() {
        return running && registered;
    }

    /** Why the last talk with the agent failed; null when it went well. */
    public String consulProblem() {
        return consulProblem;
    }

    public ServiceRegistration registration() {
        return registration;
    }

    private void keep() {
        Duration backoff = initialBackoff;
        while (running) {
            boolean failing = consulProblem != null;
            if (!sleep(failing ? backoff : verifyInterval)) {
                return;
            }
            try {
                if (!registered) {
                    registrar.register(registration);
                    registered = true;
                } else if (!registrar.isRegistered(registration)) {
                    log.warn("Consul no longer lists {} (the agent at {} restarted?); registering it again",
                            registration.instanceId(), registrar.agentAddress());
                    registrar.register(registration);
                    reregistrations.increment();
                }
                recovered();
                backoff = initialBackoff;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (consulProblem == null) {
                    log.warn("cannot keep {} registered with the Consul agent at {}: {}; retrying with backoff",
                            registration.instanceId(), registrar.agentAddress(), e.getMessage());
                } else {
                    backoff = next(backoff);
                }
                consulProblem = e.getMessage();
            }
        }
    }

    private void recovered() {
        if (consulProblem != null) {
            log.info("the Consul agent at {} answers again; {} is registered", registrar.agentAddress(),
                    registration.instanceId());
            consulProblem = null;
        }
    }

    private Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
    }

    private boolean sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops keeping the registration and deregisters the instance (if it was registered). */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deregisterWithin(DEREGISTRATION_TIMEOUT);
        registered = false;
    }

    /**
     * Deregisters, waiting at most {@code timeout}: an agent cut off from this process (a lost link)
     * would otherwise hold a shutdown for the HTTP client's whole read timeout. Consul then removes
     * the instance itself once its check fails.
     */
    private void deregisterWithin(Duration timeout) {
        Thread deregistration = new Thread(() -> registrar.deregister(registration), "consul-deregistration");
        deregistration.setDaemon(true);
        deregistration.start();
        try {
            deregistration.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (deregistration.isAlive()) {
            log.warn("the Consul agent at {} did not answer the deregistration of {} within {} ms; shutting down anyway"
                    + " (Consul removes the instance once its check fails)", registrar.agentAddress(),
                    registration.instanceId(), timeout.toMillis());
        }
    }
}
