package dev.consulmesh.push.tcp;

import dev.consulmesh.transport.server.TcpServerProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The node's TCP server settings live under {@code push.tcp} (port, host, advertised-host). */
@Configuration(proxyBeanMethods = false)
public class PushTcpConfiguration {

    @Bean
    @ConfigurationProperties("push.tcp")
    public TcpServerProperties pushTcpServerProperties() {
        return new TcpServerProperties("push.tcp");
    }
}
