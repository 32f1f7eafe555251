package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.RegistrationKeeper;
import dev.consulmesh.registration.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Registers this process in Consul once everything it serves is up (and keeps it registered), and
 * deregisters it first thing on shutdown, before the servers stop; it keeps serving for a drain period
 * so callers stop choosing it while it still answers.
 */
final class RegistrationLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistrationLifecycle.class);

    /** Above the web server's graceful-shutdown phase: start last, stop first. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 100;

    private final RegistrationKeeper keeper;
    private final Supplier<ServiceRegistration> registrationFactory;
    private final Duration drainPeriod;
    private volatile ServiceRegistration registered;

    RegistrationLifecycle(RegistrationKeeper keeper, Supplier<ServiceRegistration> registrationFactory,
                          Duration drainPeriod) {
        this.keeper = keeper;
        this.registrationFactory = registrationFactory;
        this.drainPeriod = drainPeriod;
    }

    @Override
    public void start() {
        ServiceRegistration registration = registrationFactory.get();
        if (registration != null) {
            keeper.start(registration);
            registered = registration;
        }
    }

    @Override
    public void stop() {
        if (registered != null) {
            keeper.close();
            registered = null;
            drain();
        }
    }

    private void drain() {
        if (drainPeriod.isZero() || drainPeriod.isNegative()) {
            return;
        }
        log.info("deregistered; still serving for {} ms while callers learn of it", drainPeriod.toMillis());
        try {
            Thread.sleep(drainPeriod.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** What this process registered (or keeps trying to), or null when it did not. */
    ServiceRegistration registered() {
        return registered;
    }
}
