package dev.consulmesh.autoconfigure;

import tools.jackson.databind.ObjectMapper;
import dev.consulmesh.metrics.MeshMetrics;
import dev.consulmesh.observation.MeshInstrumentation;
import dev.consulmesh.transport.server.HandlerRegistry;
import dev.consulmesh.transport.server.PayloadValidator;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import dev.consulmesh.transport.tls.TlsSetup;
import dev.consulmesh.transport.wire.PacketCodec;
import dev.consulmesh.transport.wire.PatternRoute;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.validation.Validator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.health.registry.ReactiveHealthContributorRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The NestJS-compatible TCP transport: codec, handler registry filled from annotated beans, the mesh's
 * meters, and a TCP server that runs when the application has handlers; its TLS from PEM files or from
 * one of the application's SSL bundles ({@code spring.ssl.bundle.*}). Calls and handler invocations are
 * observed in the application's {@code ObservationRegistry} when it has one and anything but meters watches
 * it (tracing); when only meters would, they are timed directly ({@link ObservationUse}).
 */
@AutoConfiguration(after = {JacksonAutoConfiguration.class, SslAutoConfiguration.class})
public class MeshTransportAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public PacketCodec meshPacketCodec(ObjectProvider<ObjectMapper> mapper) {
        return new PacketCodec(mapper.getIfAvailable(ObjectMapper::new));
    }

    @Bean
    @ConditionalOnMissingBean
    public HandlerRegistry meshHandlerRegistry(PacketCodec codec) {
        return new HandlerRegistry(new PatternRoute(codec.mapper()));
    }

    /** Handlers' {@code @Valid} payloads are checked by the application's validator when it has one. */
    @Bean
    AnnotatedHandlerDetector meshHandlerDetector(ConfigurableListableBeanFactory beans, HandlerRegistry registry,
                                                 PacketCodec codec, ObjectProvider<Validator> validator) {
        Validator application = validator.getIfUnique();
        return new AnnotatedHandlerDetector(beans, registry, codec.mapper(),
                application != null ? PayloadValidator.using(application) : PayloadValidator.withDefaults());
    }

    @Bean
    @ConditionalOnMissingBean
    @ConfigurationProperties("mesh.tcp")
    public TcpServerProperties meshTcpServerProperties() {
        return new TcpServerProperties();
    }

    /** The mesh's meters, in the application's Micrometer registry when it has one. */
    @Bean
    @ConditionalOnMissingBean
    public MeshMetrics meshMetrics(ObjectProvider<MeterRegistry> registry) {
        return new MeshMetrics(registry.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** How calls and handlers are instrumented: observations, or their timers alone when nothing traces ({@link ObservationUse}). */
    @Bean
    @ConditionalOnMissingBean
    public MeshInstrumentation meshInstrumentation(ListableBeanFactory beans, Environment environment,
                                                   ObjectProvider<ObservationRegistry> observations,
                                                   ObjectProvider<MeterRegistry> meters) {
        return ObservationUse.of(beans, environment, observations.getIfAvailable(), meters.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    public TcpServer meshTcpServer(TcpServerProperties properties, HandlerRegistry handlers, PacketCodec codec,
                                   MeshMetrics metrics, ObjectProvider<SslBundles> sslBundles,
                                   MeshInstrumentation instrumentation) {
        String tlsPrefix = properties.prefix() + ".tls";
        return new TcpServer(properties, handlers, codec, metrics,
                TlsSetup.server(properties.getTls(), tlsPrefix, sslBundles.getIfAvailable()), instrumentation);
    }

    @Bean
    TcpServerLifecycle meshTcpServerLifecycle(TcpServer server, HandlerRegistry handlers,
                                              ObjectProvider<HealthContributorRegistry> health,
                                              ObjectProvider<ReactiveHealthContributorRegistry> reactiveHealth) {
        return new TcpServerLifecycle(server, handlers, started -> TcpServerHealthIndicator.register(
                started, health.getIfAvailable(), reactiveHealth.getIfAvailable()));
    }

    /** With a Zipkin span exporter on the classpath: spans it cannot deliver are counted. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "zipkin2.reporter.BytesMessageSender")
    static class DroppedSpansConfiguration {

        @Bean
        static DroppedSpansCounter meshDroppedSpansCounter(ObjectProvider<MeshMetrics> metrics) {
            return new DroppedSpansCounter(metrics);
        }
    }
}
