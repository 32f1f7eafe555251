package dev.consulmesh.client;

import dev.consulmesh.balancing.BalancingStrategy;
import dev.consulmesh.transport.tls.TlsProperties;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of calls to one service, under {@code mesh.client.services.<service>.*}. Each one left
 * unset is the same-named {@code mesh.client.*} setting, so one slow service can have its own timeouts
 * without changing anyone else's.
 */
public class ServiceClientProperties {

    /** Deadline of a call to this service, retries included. Default: mesh.client.request-timeout. */
    @DurationMin(millis = 1)
    private Duration requestTimeout;

    /** One attempt's share of the deadline for idempotent patterns. Default: mesh.client.attempt-timeout. */
    @DurationMin(millis = 1)
    private Duration attemptTimeout;

    /** How a node is picked. Default: mesh.client.strategy (a balancer bean for this service wins over both). */
    private BalancingStrategy strategy;

    /** Patterns of this service retried even after they were written, beside mesh.client.idempotent-patterns. */
    private List<String> idempotentPatterns = new ArrayList<>();

    @Valid
    private final Retry retry = new Retry();

    /** TLS towards this service's nodes; when its enabled is unset, mesh.client.tls applies. */
    private TlsProperties tls;

    /** Retries of calls to this service; each unset one is mesh.client.retry's. */
    public static class Retry {

        @Min(1)
        @Max(10)
        private Integer maxAttempts;

        @DecimalMin("0.0")
        @DecimalMax("1.0")
        private Double budgetRatio;

        @Min(0)
        private Integer minPerSecond;

        public Integer getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(Integer maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Double getBudgetRatio() {
            return budgetRatio;
        }

        public void setBudgetRatio(Double budgetRatio) {
            this.budgetRatio = budgetRatio;
        }

        public Integer getMinPerSecond() {
            return minPerSecond;
        }

        public void setMinPerSecond(Integer minPerSecond) {
            this.minPerSecond = minPerSecond;
        }
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    public void setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
    }

    public BalancingStrategy getStrategy() {
        return strategy;
    }

    public void setStrategy(BalancingStrategy strategy) {
        this.strategy = strategy;
    }

    public List<String> getIdempotentPatterns() {
        return idempotentPatterns;
    }

    public void setIdempotentPatterns(List<String> idempotentPatterns) {
        this.idempotentPatterns = idempotentPatterns;
    }

    public Retry getRetry() {
        return retry;
    }

    public TlsProperties getTls() {
        return tls;
    }

    public void setTls(TlsProperties tls) {
        this.tls = tls;
    }
}
