package dev.consulmesh.autoconfigure;

import dev.consulmesh.registration.MeshMetadata;
import dev.consulmesh.registration.AdvertisedAddress;
import dev.consulmesh.registration.RegistrationProperties;
import dev.consulmesh.registration.ServiceRegistration;
import dev.consulmesh.registration.ServiceRegistration.HealthCheck;
import dev.consulmesh.transport.server.TcpServer;
import dev.consulmesh.transport.server.TcpServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Decides what this process registers: its TCP endpoint with a TCP check when it serves TCP handlers,
 * else its HTTP port with an HTTP check of its health endpoint, else nothing; with the mesh's metadata
 * ({@link MeshMetadata}: version, transport, actuator port) beside the application's.
 */
final class RegistrationFactory implements Supplier<ServiceRegistration> {

    private static final boolean WEB_SERVER_CLASSES_PRESENT = ClassUtils.isPresent(
            "org.springframework.boot.web.server.context.WebServerApplicationContext", RegistrationFactory.class.getClassLoader());

    private static final Logger log = LoggerFactory.getLogger(RegistrationFactory.class);

    private final RegistrationProperties properties;
    private final TcpServer tcpServer;
    private final TcpServerProperties tcpProperties;
    private final ApplicationContext context;
    private final Environment environment;

    RegistrationFactory(RegistrationProperties properties, TcpServer tcpServer, TcpServerProperties tcpProperties,
                        ApplicationContext context, Environment environment) {
        this.properties = properties;
        this.tcpServer = tcpServer;
        this.tcpProperties = tcpProperties;
        this.context = context;
        this.environment = environment;
    }

    @Override
    public ServiceRegistration get() {
        if (!properties.isEnabled()) {
            return null;
        }
        if (tcpServer.isRunning()) {
            return tcpRegistration();
        }
        Integer webServerPort = webServerPort();
        if (webServerPort != null) {
            return httpRegistration(webServerPort);
        }
        log.info("nothing to register in Consul: this process serves neither TCP handlers nor HTTP");
        return null;
    }

    private ServiceRegistration tcpRegistration() {
        String host = AdvertisedAddress.resolve(tcpProperties.getAdvertisedHost(), tcpProperties.prefix() + ".advertised-host");
        int port = tcpServer.port();
        warnWhenUnreachable(tcpServer.bindHost(), host, port, tcpProperties.prefix());
        String checkHost = hasText(properties.getCheckHost()) ? properties.getCheckHost() : host;
        String transport = tcpProperties.getTls().isEnabled() ? MeshMetadata.NEST_TCP_TLS : MeshMetadata.NEST_TCP;
        return registration(host, port, HealthCheck.tcp(hostPort(checkHost, port), properties),
                MeshMetadata.of(transport, actuatorPortOfNode(), properties.getMeta()));
    }

    /** A node's actuator: on a management port of its own, else on its web server (push-service's), else none. */
    private Integer actuatorPortOfNode() {
        Integer management = environment.getProperty("local.management.port", Integer.class);
        if (management != null && management > 0) {
            return management;
        }
        Integer webServerPort = webServerPort();
        return webServerPort != null && webServerPort > 0 ? webServerPort : null;
    }

    /**
     * The port of this application's web server, null without one. spring-boot-web-server is optional: a
     * node built on the starter alone serves TCP only and has not even its classes.
     */
    private Integer webServerPort() {
        if (!WEB_SERVER_CLASSES_PRESENT) {
            return null;
        }
        return context instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? web.getWebServer().getPort() : null;
    }

    private ServiceRegistration httpRegistration(int port) {
        String host = AdvertisedAddress.resolve(properties.getAdvertisedHost(), "mesh.registration.advertised-host");
        // local.management.port is the bound one (management.server.port may be 0: any free port).
        int checkPort = environment.getProperty("local.management.port", Integer.class,
                environment.getProperty("management.server.port", Integer.class, port));
        String checkHost = hasText(properties.getCheckHost()) ? properties.getCheckHost() : host;
        String managementAddress = environment.getProperty("management.server.address");
        if (!hasText(properties.getCheckHost()) && checkPort != port && hasText(managementAddress)
                && AdvertisedAddress.isLoopback(managementAddress)) {
            // Actuator listens on loopback only: the agent on this host checks it there.
            checkHost = managementAddress;
        }
        String url = "http://" + hostPort(checkHost, checkPort) + properties.getHealthCheckPath();
        return registration(host, port, HealthCheck.http(url, properties),
                MeshMetadata.of(MeshMetadata.HTTP, checkPort != port ? checkPort : null, properties.getMeta()));
    }

    private ServiceRegistration registration(String host, int port, HealthCheck check, Map<String, String> meta) {
        String service = serviceName();
        String id = hasText(properties.getInstanceId())
                ? properties.getInstanceId()
                : ServiceRegistration.defaultInstanceId(service, host, port);
        return new ServiceRegistration(id, service, host, port, check, properties.getTags(), meta,
                properties.getWeights().toWeights());
    }

    private String serviceName() {
        if (hasText(properties.getServiceName())) {
            return properties.getServiceName();
        }
        String application = environment.getProperty("spring.application.name");
        if (!hasText(application)) {
            throw new IllegalStateException("no service name to register in Consul: set mesh.registration.service-name"
                    + " or spring.application.name");
        }
        return application;
    }

    /** The classic ECONNREFUSED: listening on loopback while telling others to come by the network. */
    private static void warnWhenUnreachable(String bindHost, String advertised, int port, String prefix) {
        if (AdvertisedAddress.isLoopback(bindHost) && !AdvertisedAddress.isLoopback(advertised)) {
            log.warn("the TCP server listens on {} (loopback) but advertises {}:{} in Consul: other servers will get"
                    + " 'connection refused'. Bind 0.0.0.0 or {} ({}.host), or advertise a loopback address",
                    bindHost, advertised, port, advertised, prefix);
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
