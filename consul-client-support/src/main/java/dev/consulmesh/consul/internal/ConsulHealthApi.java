package dev.consulmesh.consul.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.model.http.health.Check;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;

import java.util.List;
import java.util.Map;

/**
 * Consul's health query as an HTTP interface on Spring's RestClient, beside Spring Cloud Consul's own
 * {@link ConsulClient}: its model of an entry has no {@code Weights} and its query no {@code dc}, and
 * the mesh needs both (weighted shares, failover to another datacenter). Built by {@link ConsulClients}
 * with the same status handling, so a refusal or an outage reads the same. Not part of the library's API.
 */
@HttpExchange
public interface ConsulHealthApi {

    /**
     * {@code GET /v1/health/service/<service>}: every instance with its checks (passing or not).
     *
     * @param datacenter the datacenter to list, null for the agent's own
     * @param wait       the blocking query's wait, e.g. "30s"
     */
    @GetExchange("/v1/health/service/{service}")
    ResponseEntity<List<Entry>> healthService(@PathVariable("service") String service,
                                              @RequestHeader(name = ConsulClient.ACL_TOKEN_HEADER, required = false) String token,
                                              @RequestParam(name = "dc", required = false) String datacenter,
                                              @RequestParam("index") long index,
                                              @RequestParam("wait") String wait);

    /**
     * The same query, its answer as bytes: the watcher decodes only the entries that changed since its
     * last answer (see HealthyNodesWatcher).
     */
    @GetExchange("/v1/health/service/{service}")
    ResponseEntity<byte[]> healthServiceBytes(@PathVariable("service") String service,
                                              @RequestHeader(name = ConsulClient.ACL_TOKEN_HEADER, required = false) String token,
                                              @RequestParam(name = "dc", required = false) String datacenter,
                                              @RequestParam("index") long index,
                                              @RequestParam("wait") String wait);

    /** One instance as Consul lists it: its node, its service registration, its checks. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Entry(@JsonProperty("Node") Node node, @JsonProperty("Service") Service service,
                 @JsonProperty("Checks") List<Check> checks) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Node(@JsonProperty("Node") String name, @JsonProperty("Address") String address,
                @JsonProperty("Datacenter") String datacenter, @JsonProperty("Meta") Map<String, String> meta) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Service(@JsonProperty("ID") String id, @JsonProperty("Service") String service,
                   @JsonProperty("Tags") List<String> tags, @JsonProperty("Address") String address,
                   @JsonProperty("Port") Integer port, @JsonProperty("Meta") Map<String, String> meta,
                   @JsonProperty("Weights") Weights weights) {
    }

    /** The shares Consul gives an instance while it passes and while it warns (both 1 unless registered). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Weights(@JsonProperty("Passing") Integer passing, @JsonProperty("Warning") Integer warning) {
    }
}
