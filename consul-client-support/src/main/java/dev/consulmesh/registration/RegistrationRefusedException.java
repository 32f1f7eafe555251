package dev.consulmesh.registration;

import dev.consulmesh.consul.AclRefusal;

/**
 * The agent answered and refused the registration for want of ACL rights. Retrying cannot help: the
 * token is set at start-up, so the process fails to start instead of serving unregistered.
 */
public class RegistrationRefusedException extends RegistrationException {

    private final String refused;
    private final AclRefusal refusal;

    /**
     * @param refused what was refused, e.g. "Consul refused to register x with the agent at y"
     * @param refusal what Consul said and what to change
     */
    public RegistrationRefusedException(String refused, AclRefusal refusal, Throwable cause) {
        super(refused + ": " + refusal.text(), cause);
        this.refused = refused;
        this.refusal = refusal;
    }

    /** What was refused and what Consul said. */
    public String description() {
        return refused + ": " + refusal.consulSaid();
    }

    /** What to change. */
    public String action() {
        return refusal.action();
    }
}
