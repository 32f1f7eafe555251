package dev.consulmesh.consul;

import dev.consulmesh.consul.internal.ConsulClients;
import dev.consulmesh.consul.internal.ConsulHealthApi;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.util.Objects;

/**
 * The Consul agent this process talks to (the one on its own server): Spring Cloud Consul's client,
 * the agent's address for messages, and the ACL token every call passes. It also tells what an ACL
 * refusal means and whether ACLs hid a service's instances, which Consul does without an error.
 * <p>
 * Two clients share the agent: one for ordinary calls, whose reads time out after a few seconds (a
 * register or deregister on a stuck agent must not hold a start or a shutdown), and one for blocking
 * queries, whose reads wait out the query.
 */
public final class ConsulAgent {

    /** Longest answer to an ordinary call (register, deregister, one-off queries). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** The longest wait Consul accepts for a blocking query. */
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final ConsulClient client;
    private final ConsulClient watchClient;
    private final ConsulHealthApi watchHealth;
    private final String address;
    private final AclToken token;

    /**
     * @param address  scheme://host:port[/path] of the agent
     * @param settings Spring Cloud Consul's HTTP client settings (its TLS bundle), or null for plain HTTP
     * @param token    the token every call passes
     */
    public ConsulAgent(String address, HttpClientSettings settings, AclToken token) {
        this.address = Objects.requireNonNull(address, "address");
        this.token = Objects.requireNonNull(token, "token");
        this.client = ConsulClients.create(address, settings, CALL_TIMEOUT);
        // Consul adds up to wait/16 to a blocking query's wait; the read waits for that and more.
        Duration watchTimeout = MAX_WAIT.plus(MAX_WAIT.dividedBy(16)).plus(CALL_TIMEOUT);
        this.watchClient = ConsulClients.create(address, settings, watchTimeout);
        this.watchHealth = ConsulClients.healthApi(address, settings, watchTimeout);
    }

    /** An agent on plain HTTP without a token. */
    public static ConsulAgent at(String host, int port) {
        return at(host, port, AclToken.none());
    }

    /** An agent on plain HTTP. */
    public static ConsulAgent at(String host, int port, AclToken token) {
        return new ConsulAgent("http://" + host + ":" + port, null, token);
    }

    /** Spring Cloud Consul's client for ordinary calls: reads time out after a few seconds. */
    public ConsulClient client() {
        return client;
    }

    /** Spring Cloud Consul's client for blocking queries: reads wait as long as a query may. */
    public ConsulClient watchClient() {
        return watchClient;
    }

    /**
     * The health query with what Spring Cloud Consul's model lacks (instance weights, another datacenter),
     * for blocking queries: reads wait as long as a query may.
     */
    public ConsulHealthApi watchHealth() {
        return watchHealth;
    }

    /** scheme://host:port of the agent, for messages. */
    public String address() {
        return address;
    }

    public AclToken token() {
        return token;
    }

    /** The token's secret to pass on a call, or null for none. */
    public String aclToken() {
        return token.secret();
    }

    /**
     * When Consul refused a call for want of ACL rights (403): what Consul said and what to change;
     * else null (the agent could not be reached, or failed otherwise).
     *
     * @param needs the rights the call needs, e.g. {@link AclToken#serviceWrite(String)}
     */
    public AclRefusal aclRefusal(Throwable failure, String needs) {
        if (!(failure instanceof ConsulHttpException refused) || refused.status() != 403) {
            return null;
        }
        String said = refused.body().isBlank() ? "403 Forbidden" : refused.body().strip();
        return new AclRefusal(said, said.contains("ACL not found") ? token.unknown(needs) : token.lacking(needs));
    }

    /**
     * What went wrong with a call to this agent: an ACL refusal (with what to change), an error answer,
     * an answer that is not Consul's, one cut short, or no answer at all.
     *
     * @param needs the rights the call needs, e.g. {@link AclToken#serviceAndNodeRead(String)}
     */
    public ConsulFailure failure(Throwable failure, String needs) {
        return ConsulFailure.of(failure, aclRefusal(failure, needs), address);
    }

    /**
     * Why Consul may have listed no instance of the service to this process because of ACLs, read from
     * the headers of its answer to a health query; null when it says it hid nothing. Under ACLs Consul
     * answers a query the token may not fully see with what the token may see — often an empty list —
     * and a header, not an error. It masks that header for the anonymous token, so without a token the
     * agent's default policy is what tells.
     */
    public String aclHiddenInstances(String service, HttpHeaders answer) {
        String needs = AclToken.serviceAndNodeRead(service);
        if ("true".equalsIgnoreCase(answer.getFirst("X-Consul-Results-Filtered-By-ACLs"))) {
            return "Consul hides instances of " + service + " from this process's ACL token"
                    + " (X-Consul-Results-Filtered-By-ACLs): " + token.lacking(needs);
        }
        if (!token.isSet() && "deny".equalsIgnoreCase(answer.getFirst("X-Consul-Default-ACL-Policy"))) {
            return "Consul lists no instance of " + service + " to this process, which calls it without an ACL token"
                    + " while the agent denies by default (the anonymous token sees only what its policy allows): "
                    + token.lacking(needs);
        }
        return null;
    }

    @Override
    public String toString() {
        return "Consul agent at " + address + " (" + token + ")";
    }
}
