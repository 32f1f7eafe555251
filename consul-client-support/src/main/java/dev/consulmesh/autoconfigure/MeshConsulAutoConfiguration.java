package dev.consulmesh.autoconfigure;

import dev.consulmesh.client.MeshClient;
import java.util.function.Supplier;
import java.util.Map;
import java.util.LinkedHashMap;
import dev.consulmesh.transport.tls.TlsProperties;
import dev.consulmesh.balancing.LoadBalancer;
import dev.consulmesh.client.ServiceCustomizations;
import dev.consulmesh.client.ServiceBalancer;
import dev.consulmesh.observation.ClientObservations;
import dev.consulmesh.observation.MeshInstrumentation;
import dev.consulmesh.client.MeshClientProperties;
import dev.consulmesh.client.NodeClients;
import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.discovery.DiscoveryProperties;
import dev.consulmesh.discovery.ServiceDiscovery;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.registration.ConsulRegistrar;
import dev.consulmesh.registration.RegistrationKeeper;
import dev.consulmesh.registration.RegistrationProperties;
import dev.consulmesh.retry.IdempotentPatterns;
import dev.consulmesh.transport.client.TcpClientOptions;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.tls.CurrentTlsContext;
import dev.consulmesh.transport.tls.TlsSetup;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.core.env.Environment;

/**
 * The Consul side of the mesh: registration of this process (kept alive across agent restarts),
 * discovery of healthy instances with blocking queries, and balanced, retried calls over per-node TCP
 * clients with ejection of failing nodes; the {@code mesh} actuator endpoint, health and metrics.
 */
// After the auto-configurations that define a ReactorResourceFactory (a WebFlux server's, a reactive HTTP
// client's), so that WebServerThreadsConfiguration's @ConditionalOnBean sees it (AutoConfigurationOrderingTest).
@AutoConfiguration(after = {ConsulAutoConfiguration.class, MeshTransportAutoConfiguration.class,
        ReactiveHttpClientAutoConfiguration.class},
        afterName = "org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration")
@ConditionalOnBean(ConsulClient.class)
@EnableConfigurationProperties({RegistrationProperties.class, DiscoveryProperties.class, MeshClientProperties.class})
public class MeshConsulAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public ConsulAgent meshConsulAgent(ConsulProperties properties,
                                       ObjectProvider<ConsulAutoConfiguration.ConsulClientSettings> clientSettings,
                                       Environment environment) {
        ConsulAutoConfiguration.ConsulClientSettings settings = clientSettings.getIfAvailable();
        return ConsulAccess.agent(properties, settings == null ? null : settings.httpClientSettings(), environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public ConsulRegistrar meshConsulRegistrar(ConsulAgent consul) {
        return new ConsulRegistrar(consul);
    }

    @Bean
    @ConditionalOnMissingBean
    public RegistrationKeeper meshRegistrationKeeper(ConsulRegistrar registrar, RegistrationProperties properties,
                                                     MeshMetrics metrics, Environment environment) {
        String service = properties.getServiceName() != null && !properties.getServiceName().isBlank()
                ? properties.getServiceName() : environment.getProperty("spring.application.name", "application");
        return new RegistrationKeeper(registrar, properties.getVerifyInterval(), properties.getRetryInitialBackoff(),
                properties.getRetryMaxBackoff(), metrics.reregistrations(service));
    }

    @Bean
    RegistrationLifecycle meshRegistrationLifecycle(RegistrationKeeper keeper, RegistrationProperties properties,
                                                    TcpServer tcpServer, TcpServerProperties tcpProperties,
                                                    ApplicationContext context, Environment environment) {
        return new RegistrationLifecycle(keeper,
                new RegistrationFactory(properties, tcpServer, tcpProperties, context, environment),
                properties.getDrainPeriod());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ServiceDiscovery meshServiceDiscovery(ConsulAgent consul, DiscoveryProperties properties, MeshMetrics metrics) {
        ServiceDiscovery discovery = new ServiceDiscovery(consul, properties, metrics);
        metrics.blockingQueries(discovery, ServiceDiscovery::blockingQueries);
        return discovery;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public NodeClients meshNodeClients(MeshClientProperties properties, PacketCodec codec, MeshMetrics metrics,
                                       ObjectProvider<WebServerIoThreads> webServerThreads,
                                       ObjectProvider<SslBundles> sslBundles) {
        TcpClientOptions options = withTls(properties.toOptions(), properties.getTls(), "mesh.client.tls", sslBundles);
        WebServerIoThreads shared = properties.isShareWebServerThreads() ? webServerThreads.getIfAvailable() : null;
        return shared == null
                ? new NodeClients(options, codec, metrics)
                : new NodeClients(options, codec, metrics, shared.io());
    }

    private static TcpClientOptions withTls(TcpClientOptions options, TlsProperties tlsProperties, String prefix,
                                            ObjectProvider<SslBundles> sslBundles) {
        CurrentTlsContext tls = TlsSetup.client(tlsProperties, prefix, sslBundles.getIfAvailable());
        return tls == null ? options : options.withTls(new TcpClientOptions.ClientTls(tls, tlsProperties.isVerifyHostname()));
    }

    /**
     * What the application set for single services: clients with a service's own TLS
     * ({@code mesh.client.services.<service>.tls}, on the same I/O threads), and {@link ServiceBalancer} beans.
     */
    @Bean
    @ConditionalOnMissingBean
    public ServiceCustomizations meshServiceCustomizations(MeshClientProperties properties, NodeClients clients,
                                                           ObjectProvider<SslBundles> sslBundles,
                                                           ObjectProvider<ServiceBalancer> balancers) {
        Map<String, NodeClients> tlsClients = new LinkedHashMap<>();
        properties.getServices().forEach((service, own) -> {
            if (own.getTls() != null) {
                TcpClientOptions options = withTls(clients.options().withTls(null), own.getTls(),
                        "mesh.client.services." + service + ".tls", sslBundles);
                tlsClients.put(service, clients.withOptions(options));
            }
        });
        Map<String, Supplier<LoadBalancer>> own = new LinkedHashMap<>();
        balancers.orderedStream().forEach(balancer -> {
            if (own.putIfAbsent(balancer.service(), balancer.balancer()) != null) {
                throw new IllegalStateException("two ServiceBalancer beans for service '" + balancer.service()
                        + "': declare one balancer per service");
            }
        });
        return new ServiceCustomizations(tlsClients, own);
    }

    /** In a Reactor Netty web server, its I/O threads (see {@code mesh.client.share-web-server-threads}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.http.client.ReactorResourceFactory", "reactor.netty.resources.LoopResources"})
    @ConditionalOnBean(type = "org.springframework.http.client.ReactorResourceFactory")
    static class WebServerThreadsConfiguration {

        @Bean
        WebServerIoThreads meshWebServerIoThreads(ReactorResourceFactory resources) {
            return WebServerIoThreads.of(resources);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    public IdempotentPatterns meshIdempotentPatterns(MeshClientProperties properties, PacketCodec codec) {
        return new IdempotentPatterns(new PatternRoute(codec.mapper()), properties.getIdempotentPatterns());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public MeshClient meshClient(ServiceDiscovery discovery, NodeClients clients, PacketCodec codec,
                                 MeshClientProperties properties, IdempotentPatterns idempotentPatterns, MeshMetrics metrics,
                                 ServiceCustomizations customizations, MeshInstrumentation instrumentation) {
        return MeshClient.builder(discovery, clients, codec.mapper(), properties, idempotentPatterns, metrics)
                .customizations(customizations)
                .observations(new ClientObservations(instrumentation))
                .build();
    }

    @Bean
    @ConditionalOnAvailableEndpoint
    public MeshEndpoint meshEndpoint(MeshClient mesh) {
        return new MeshEndpoint(mesh);
    }

    @Bean
    @ConditionalOnAvailableEndpoint(endpoint = MeshEndpoint.class)
    public MeshPageWebExtension meshPageWebExtension() {
        return new MeshPageWebExtension();
    }

    @Bean(name = "meshHealthIndicator")
    @ConditionalOnMissingBean(name = "meshHealthIndicator")
    MeshHealthIndicator meshHealthIndicator(MeshClient mesh) {
        return new MeshHealthIndicator(mesh);
    }

    @Bean(name = "consulRegistrationHealthIndicator")
    @ConditionalOnMissingBean(name = "consulRegistrationHealthIndicator")
    RegistrationHealthIndicator consulRegistrationHealthIndicator(RegistrationKeeper keeper) {
        return new RegistrationHealthIndicator(keeper);
    }
}
