package dev.consulmesh.consul;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.OperationException;
import dev.consulmesh.consul.internal.AgentHttp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The Consul agent this process talks to (the one on its own server): the client, the agent's address
 * for messages, and the ACL token every call passes. It also tells what an ACL refusal means and
 * whether ACLs hid a service's instances, which Consul does without an error.
 */
public final class ConsulAgent {

    private final ConsulClient client;
    private final String address;
    private final AclToken token;
    private final AgentHttp http;

    /**
     * @param client  the client (Spring Cloud Consul's, with its TLS settings)
     * @param address scheme://host:port[/path] of the agent
     * @param token   the token every call passes
     */
    public ConsulAgent(ConsulClient client, String address, AclToken token) {
        this.client = Objects.requireNonNull(client, "client");
        this.address = Objects.requireNonNull(address, "address");
        this.token = Objects.requireNonNull(token, "token");
        this.http = new AgentHttp(address);
    }

    /** An agent on plain HTTP without a token. */
    public static ConsulAgent at(String host, int port) {
        return at(host, port, AclToken.none());
    }

    /** An agent on plain HTTP. */
    public static ConsulAgent at(String host, int port, AclToken token) {
        return new ConsulAgent(new ConsulClient(host, port), "http://" + host + ":" + port, token);
    }

    public ConsulClient client() {
        return client;
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
        if (!(failure instanceof OperationException refused) || refused.getStatusCode() != 403) {
            return null;
        }
        return refusal(refused.getStatusContent(), needs);
    }

    private AclRefusal refusal(String consulSaid, String needs) {
        String said = consulSaid == null || consulSaid.isBlank() ? "403 Forbidden" : consulSaid.strip();
        return new AclRefusal(said, said.contains("ACL not found") ? token.unknown(needs) : token.lacking(needs));
    }

    /**
     * Why Consul may have listed no instance of the service to this process because of ACLs, or null
     * when it says it hid nothing. Under ACLs Consul answers a query the token may not fully see with
     * what the token may see — often an empty list — and a header, not an error. It masks that header
     * for the anonymous token, so without a token the agent's default policy is what tells.
     *
     * @throws RuntimeException when the agent cannot be asked
     */
    public String aclHiddenInstances(String service) {
        AgentHttp.Answer answer = http.get("/v1/health/service/" + URLEncoder.encode(service, StandardCharsets.UTF_8),
                token.secret());
        String needs = AclToken.serviceAndNodeRead(service);
        if (answer.status() == 403) {
            return "Consul refuses to list " + service + " to this process: " + refusal(answer.body(), needs).text();
        }
        if (answer.header("X-Consul-Results-Filtered-By-ACLs").filter("true"::equalsIgnoreCase).isPresent()) {
            return "Consul hides instances of " + service + " from this process's ACL token"
                    + " (X-Consul-Results-Filtered-By-ACLs): " + token.lacking(needs);
        }
        if (!token.isSet() && answer.header("X-Consul-Default-ACL-Policy").filter("deny"::equalsIgnoreCase).isPresent()) {
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
