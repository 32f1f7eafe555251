package dev.consulmesh.autoconfigure;

import dev.consulmesh.client.NodeClients;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.warmup.LoopbackTransportWarmUp;
import dev.consulmesh.warmup.ProcessStart;
import dev.consulmesh.warmup.WarmUp;
import dev.consulmesh.warmup.WarmUpProperties;
import dev.consulmesh.warmup.WarmUpStep;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Warm-up before readiness ({@code mesh.warm-up.*}, on by default): the application's {@link WarmUpStep}
 * beans in their order, then the library's loopback transport step with the time left, before the process
 * reports ready and registers in Consul. The application's steps come first: they run its real hot path
 * (the gateway's route, its node connections included), where the loopback step runs what they may not
 * reach (a node's server side; a caller's client when its services are down).
 */
@AutoConfiguration(after = MeshConsulAutoConfiguration.class)
@ConditionalOnBean(NodeClients.class)
@ConditionalOnProperty(prefix = "mesh.warm-up", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(WarmUpProperties.class)
public class MeshWarmUpAutoConfiguration {

    @Bean
    WarmUpLifecycle meshWarmUpLifecycle(WarmUpProperties properties, PacketCodec codec, NodeClients clients,
                                        ObjectProvider<WarmUpStep> applicationSteps, MeshMetrics metrics,
                                        ApplicationContext context) {
        List<WarmUpStep> steps = new ArrayList<>(applicationSteps.orderedStream().toList());
        steps.add(new LoopbackTransportWarmUp(codec, clients));
        Instant processStarted = ProcessStart.of(Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()),
                Instant.ofEpochMilli(context.getStartupDate()), properties.getReadyWithin());
        return new WarmUpLifecycle(new WarmUp(properties, steps, metrics.registry(), processStarted));
    }
}
