package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The settings in force for calls to one service: its own {@code mesh.client.services.<service>.*}
 * where set, else the {@code mesh.client.*} ones.
 *
 * @param idempotentPatterns this service's own, beside the ones that hold for every service
 */
public record ServiceSettings(String service, Duration requestTimeout, Duration attemptTimeout, BalancingStrategy strategy,
                              int maxAttempts, double budgetRatio, int minPerSecond, List<String> idempotentPatterns) {

    /** What Consul accepts as a service name that DNS can also serve: letters, digits, '-' and '_'. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    public ServiceSettings {
        idempotentPatterns = List.copyOf(idempotentPatterns);
    }

    /** The settings of {@code service}: its overrides, if any, over the defaults. */
    public static ServiceSettings of(MeshClientProperties properties, String service) {
        ServiceClientProperties own = properties.getServices().get(service);
        if (own == null) {
            own = new ServiceClientProperties();
        }
        ServiceClientProperties.Retry retry = own.getRetry();
        return new ServiceSettings(service,
                orElse(own.getRequestTimeout(), properties.getRequestTimeout()),
                orElse(own.getAttemptTimeout(), properties.getAttemptTimeout()),
                orElse(own.getStrategy(), properties.getStrategy()),
                orElse(retry.getMaxAttempts(), properties.getRetry().getMaxAttempts()),
                orElse(retry.getBudgetRatio(), properties.getRetry().getBudgetRatio()),
                orElse(retry.getMinPerSecond(), properties.getRetry().getMinPerSecond()),
                own.getIdempotentPatterns() == null ? List.of() : own.getIdempotentPatterns());
    }

    /**
     * Checks the names under {@code mesh.client.services}: each must be a service name Consul can have.
     *
     * @throws IllegalArgumentException naming the property
     */
    public static void checkServiceNames(MeshClientProperties properties) {
        for (String service : properties.getServices().keySet()) {
            requireValidName(service, "mesh.client.services." + service);
        }
    }

    /**
     * @param where what names the service, for the message (a property, a client interface)
     * @throws IllegalArgumentException when the name is not one Consul can have
     */
    public static void requireValidName(String service, String where) {
        if (service == null || !SERVICE_NAME.matcher(service).matches()) {
            throw new IllegalArgumentException(where + ": '" + service + "' is not a valid Consul service name"
                    + " (1 to 63 letters, digits, '-' or '_', starting with a letter or digit)");
        }
    }

    private static <T> T orElse(T own, T fallback) {
        return own != null ? own : fallback;
    }
}
