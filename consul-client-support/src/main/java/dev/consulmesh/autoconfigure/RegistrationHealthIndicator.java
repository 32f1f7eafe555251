package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.RegistrationKeeper;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * This process's own registration in Consul. Always UP (the process serves whether or not Consul
 * lists it); the details say whether it is registered and why not.
 */
final class RegistrationHealthIndicator extends AbstractHealthIndicator {

    private final RegistrationKeeper keeper;

    RegistrationHealthIndicator(RegistrationKeeper keeper) {
        super("registration health check failed");
        this.keeper = keeper;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up();
        if (keeper.registration() == null) {
            builder.withDetail("registered", false).withDetail("reason", "nothing to register (or registration disabled)");
            return;
        }
        builder.withDetail("instanceId", keeper.registration().instanceId())
                .withDetail("registered", keeper.isRegistered());
        if (keeper.consulProblem() != null) {
            builder.withDetail("consul", keeper.consulProblem() + "; retrying with backoff");
        }
    }
}
