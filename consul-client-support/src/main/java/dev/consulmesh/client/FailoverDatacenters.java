package dev.consulmesh.client;

import dev.consulmesh.discovery.ServiceDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The failover datacenters the settings name, checked against those Consul knows: a typo would otherwise
 * show only when the local datacenter is down.
 */
final class FailoverDatacenters {

    private static final Logger log = LoggerFactory.getLogger(FailoverDatacenters.class);

    private FailoverDatacenters() {
    }

    /**
     * Fails, naming the property, when a failover datacenter is one Consul does not know. When Consul
     * cannot be asked now, says so and goes on. Asks Consul only when some failover datacenter is set.
     */
    static void check(ServiceDiscovery discovery, MeshClientProperties properties) {
        Map<String, List<String>> wanted = new TreeMap<>();
        if (!properties.getFailoverDatacenters().isEmpty()) {
            wanted.put("mesh.client.failover-datacenters", properties.getFailoverDatacenters());
        }
        properties.getServices().forEach((service, own) -> {
            if (own.getFailoverDatacenters() != null && !own.getFailoverDatacenters().isEmpty()) {
                wanted.put("mesh.client.services." + service + ".failover-datacenters", own.getFailoverDatacenters());
            }
        });
        if (wanted.isEmpty()) {
            return;
        }
        List<String> known;
        try {
            known = discovery.agent().client().getCatalogDatacenters(discovery.agent().aclToken()).getBody();
        } catch (RuntimeException e) {
            log.warn("cannot check the failover datacenters {} against Consul's: {}", wanted, e.getMessage());
            return;
        }
        wanted.forEach((property, datacenters) -> {
            for (String datacenter : datacenters) {
                if (known == null || !known.contains(datacenter)) {
                    throw new IllegalArgumentException(property + ": Consul at " + discovery.agent().address()
                            + " knows no datacenter '" + datacenter + "' (it knows " + known + ")");
                }
            }
        });
    }
}
