package dev.consulmesh.balancing;

import dev.consulmesh.transport.client.TcpClientOptions;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/** How the mesh calls the nodes of other services. */
@Validated
@ConfigurationProperties("mesh.client")
public class MeshClientProperties {

    /** How long to wait for a TCP connection to a node. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration connectTimeout = Duration.ofSeconds(2);

    /** How long a request waits for its answer before it fails with a timeout. */
    @NotNull
    @DurationMin(millis = 1)
    private Duration requestTimeout = Duration.ofSeconds(5);

    /** Largest answer frame accepted, in UTF-16 code units of its JSON text. */
    @Min(64)
    private int maxFrameLength = 8 * 1024 * 1024;

    public TcpClientOptions toOptions() {
        return new TcpClientOptions(connectTimeout, requestTimeout, maxFrameLength);
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    public int getMaxFrameLength() {
        return maxFrameLength;
    }

    public void setMaxFrameLength(int maxFrameLength) {
        this.maxFrameLength = maxFrameLength;
    }
}
