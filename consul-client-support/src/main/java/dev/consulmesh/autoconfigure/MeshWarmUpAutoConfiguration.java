package dev.consulmesh.autoconfigure;

import dev.consulmesh.client.NodeClients;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.warmup.LoopbackTransportWarmUp;
import dev.consulmesh.warmup.WarmUp;
import dev.consulmesh.warmup.WarmUpProperties;
import dev.consulmesh.warmup.WarmUpStep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import java.util.ArrayList;
import java.util.List;

/**
 * Warm-up before readiness ({@code mesh.warm-up.*}, on by default): the library's loopback transport step,
 * then the application's {@link WarmUpStep} beans in their order, before the process reports ready and
 * registers in Consul.
 */
@AutoConfiguration(after = MeshConsulAutoConfiguration.class)
@ConditionalOnBean(NodeClients.class)
@ConditionalOnProperty(prefix = "mesh.warm-up", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WarmUpProperties.class)
public class MeshWarmUpAutoConfiguration {

    @Bean
    WarmUpLifecycle meshWarmUpLifecycle(WarmUpProperties properties, PacketCodec codec, NodeClients clients,
                                        ObjectProvider<WarmUpStep> applicationSteps, MeshMetrics metrics) {
        List<WarmUpStep> steps = new ArrayList<>();
        steps.add(new LoopbackTransportWarmUp(codec, clients));
        applicationSteps.orderedStream().forEach(steps::add);
        return new WarmUpLifecycle(new WarmUp(properties, steps, metrics.registry()));
    }
}
