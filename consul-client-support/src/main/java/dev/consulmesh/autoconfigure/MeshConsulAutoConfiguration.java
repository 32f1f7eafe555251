package dev.consulmesh.autoconfigure;

import com.ecwid.consul.v1.ConsulClient;
import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.balancing.MeshClient;
import dev.consulmesh.balancing.MeshClientProperties;
import dev.consulmesh.balancing.NodeClients;
import dev.consulmesh.balancing.RoundRobinBalancer;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.registration.ConsulRegistrar;
import dev.consulmesh.registration.RegistrationProperties;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.wire.PacketCodec;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.util.function.Supplier;

/**
 * The Consul side of the mesh: registration of this process, discovery of healthy instances with
 * blocking queries, and balanced calls over per-node TCP clients.
 */
@AutoConfiguration(after = {ConsulAutoConfiguration.class, MeshTransportAutoConfiguration.class})
@ConditionalOnBean(ConsulClient.class)
@EnableConfigurationProperties({RegistrationProperties.class, DiscoveryProperties.class, MeshClientProperties.class})
public class MeshConsulAutoConfiguration {

    @Bean
    ConsulAccess meshConsulAccess(ConsulClient client, ConsulProperties properties, Environment environment) {
        return ConsulAccess.from(client, properties, environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public ConsulRegistrar meshConsulRegistrar(ConsulAccess consul) {
        return new ConsulRegistrar(consul.client(), consul.aclToken(), consul.agentAddress());
    }

    @Bean
    RegistrationLifecycle meshRegistrationLifecycle(ConsulRegistrar registrar, RegistrationProperties properties,
                                                    TcpServer tcpServer, TcpServerProperties tcpProperties,
                                                    ApplicationContext context, Environment environment) {
        return new RegistrationLifecycle(registrar,
                new RegistrationFactory(properties, tcpServer, tcpProperties, context, environment),
                properties.getDrainPeriod());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServiceDiscovery meshServiceDiscovery(ConsulAccess consul, DiscoveryProperties properties) {
        return new ServiceDiscovery(consul.client(), consul.aclToken(), properties);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public NodeClients meshNodeClients(MeshClientProperties properties, PacketCodec codec) {
        return new NodeClients(properties.toOptions(), codec);
    }

    @Bean
    @ConditionalOnMissingBean(name = "meshLoadBalancers")
    public Supplier<LoadBalancer> meshLoadBalancers() {
        return RoundRobinBalancer::new;
    }

    @Bean
    @ConditionalOnMissingBean
    public MeshClient meshClient(ServiceDiscovery discovery, NodeClients clients, PacketCodec codec,
                                 Supplier<LoadBalancer> meshLoadBalancers) {
        return new MeshClient(discovery, clients, codec.mapper(), meshLoadBalancers);
    }
}
