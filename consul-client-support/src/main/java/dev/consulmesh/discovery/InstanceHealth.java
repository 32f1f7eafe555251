package dev.consulmesh.discovery;

/**
 * How Consul sees one registered instance: the worst status of its checks (the node's own checks
 * included) and what the failing checks said.
 *
 * @param instanceId the instance id
 * @param status     passing, warning or critical
 * @param output     the output of the checks that do not pass, empty when all pass
 */
public record InstanceHealth(String instanceId, Status status, String output) {

    public enum Status {
        PASSING, WARNING, CRITICAL;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public boolean isPassing() {
        return status == Status.PASSING;
    }
}
