package dev.consulmesh.consul;

import java.util.Objects;

/**
 * The ACL token every Consul call of the mesh passes, and the property it came from, so that a refusal
 * can say what to change. The secret never shows in {@link #toString()} (logs, actuator).
 */
public final class AclToken {

    /** Where a token is taken from, the first one set winning. */
    public static final String PROPERTIES = "spring.cloud.consul.discovery.acl-token (or spring.cloud.consul.token, or CONSUL_TOKEN)";

    private static final AclToken NONE = new AclToken(null, null);

    private final String secret;
    private final String source;

    private AclToken(String secret, String source) {
        this.secret = secret;
        this.source = source;
    }

    /** No token: Consul uses its anonymous token. */
    public static AclToken none() {
        return NONE;
    }

    /**
     * @param secret the token's SecretID; blank means none
     * @param source the property it was read from, named in messages
     */
    public static AclToken of(String secret, String source) {
        if (secret == null || secret.isBlank()) {
            return NONE;
        }
        return new AclToken(secret.strip(), Objects.requireNonNull(source, "source"));
    }

    /** What registering and deregistering an instance of the service needs. */
    public static String serviceWrite(String service) {
        return "service:write on " + service;
    }

    /** What listing the instances of a service with their health needs. */
    public static String serviceAndNodeRead(String service) {
        return "service:read on " + service + " and node:read on the nodes it runs on"
                + " (a policy with service_prefix \"\" read and node_prefix \"\" read)";
    }

    /** The SecretID to send, or null for none. */
    public String secret() {
        return secret;
    }

    public boolean isSet() {
        return secret != null;
    }

    /** The property the token came from, or null when none is set. */
    public String source() {
        return source;
    }

    /** What to change so that the token has the right it lacks ({@code needs}, e.g. "service:write on x"). */
    String lacking(String needs) {
        if (!isSet()) {
            return "no ACL token is set: set " + PROPERTIES + " to a token with " + needs;
        }
        return "the token from " + source + " lacks " + needs + ": add it to the token's policy, or set " + source
                + " to a token that has it";
    }

    /** What to change when the agent knows no token with this secret. */
    String unknown(String needs) {
        if (!isSet()) {
            return "set " + PROPERTIES + " to a token with " + needs;
        }
        return "the agent knows no token with the secret from " + source + " (deleted, mistyped, or a local token of"
                + " another datacenter): set " + source + " to a token with " + needs;
    }

    @Override
    public String toString() {
        return isSet() ? "ACL token from " + source : "no ACL token";
    }
}
