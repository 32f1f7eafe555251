package dev.consulmesh.autoconfigure;

import dev.consulmesh.consul.ConsulAgent;
import dev.consulmesh.testsupport.FreePorts;
import dev.consulmesh.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.ConsulProperties;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A TLS setting that cannot be used stops start-up with a failure analysis naming the property. */
@ExtendWith(OutputCaptureExtension.class)
class TlsSettingsStartupTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
                    MeshTransportAutoConfiguration.class, MeshConsulAutoConfiguration.class))
            .withBean(ConsulClient.class, () -> ConsulAgent.at("127.0.0.1", FreePorts.next()).client())
            .withBean(ConsulProperties.class, ConsulProperties::new)
            .withPropertyValues("spring.application.name=test");

    private static TestCertificates certificates;
    private static TestCertificates.Pair ca;

    @BeforeAll
    static void makeCertificates() {
        certificates = TestCertificates.create();
        ca = certificates.authority("startup-ca");
    }

    @AfterAll
    static void deleteCertificates() {
        certificates.close();
    }

    /** A node with only the transport and Spring Boot's SSL bundles. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({SslAutoConfiguration.class, MeshTransportAutoConfiguration.class})
    static class Node {
    }

    private static FailureAnalysis analysis(AssertableApplicationContext context) {
        assertThat(context).hasFailed();
        FailureAnalysis analysis = new InvalidTlsSettingFailureAnalyzer().analyze(context.getStartupFailure());
        assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
        return analysis;
    }

    @Test
    void aServerBundleThatDoesNotExistStopsStartUpWithTheReportNamingTheProperty(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(Node.class).web(WebApplicationType.NONE)
                .properties("mesh.tcp.port=0", "mesh.tcp.tls.enabled=true", "mesh.tcp.tls.bundle=foo").run());

        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("mesh.tcp.tls.bundle=foo: no SSL bundle named 'foo' (spring.ssl.bundle.pem.foo.* or"
                        + " spring.ssl.bundle.jks.foo.*); bundles defined: []")
                .contains("Define the bundle under spring.ssl.bundle.pem.foo.*");
    }

    @Test
    void aClientBundleThatDoesNotExistIsNamedWithTheBundlesThatDo() {
        runner.withPropertyValues("mesh.client.tls.enabled=true", "mesh.client.tls.bundle=foo",
                "spring.ssl.bundle.pem.mesh-client.truststore.certificate=file:" + ca.certificate()).run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).startsWith("mesh.client.tls.bundle=foo: no SSL bundle named 'foo'")
                    .endsWith("bundles defined: [mesh-client]");
            assertThat(analysis.getAction()).contains("mesh.client.tls.bundle");
        });
    }

    @Test
    void aBundleThatFailsToLoadIsNamedWithItsProperties() {
        runner.withPropertyValues("mesh.tcp.tls.enabled=true", "mesh.tcp.tls.bundle=broken",
                "spring.ssl.bundle.pem.broken.keystore.certificate=file:/nonexistent/node.crt",
                "spring.ssl.bundle.pem.broken.keystore.private-key=file:/nonexistent/node.key").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).startsWith("mesh.tcp.tls.bundle=broken: SSL bundle 'broken' cannot be loaded (")
                    .contains("/nonexistent/node");
            assertThat(analysis.getAction()).contains("spring.ssl.bundle.pem.broken.*");
        });
    }

    @Test
    void aBundleBesidePemFilesIsRefusedNamingBoth() {
        runner.withPropertyValues("mesh.client.tls.enabled=true", "mesh.client.tls.bundle=mesh-client",
                "mesh.client.tls.trusted-certificates=/etc/mesh/ca.crt").run(context -> {
            FailureAnalysis analysis = analysis(context);
            assertThat(analysis.getDescription()).isEqualTo("mesh.client.tls.bundle=mesh-client and"
                    + " mesh.client.tls.trusted-certificates are both set: TLS material comes either from an SSL bundle"
                    + " or from PEM files, not both");
        });
    }

    @Test
    void withTlsOffABundleSettingIsNotRead() {
        runner.withPropertyValues("mesh.client.tls.bundle=foo", "mesh.tcp.tls.bundle=foo")
                .run(context -> assertThat(context).hasNotFailed());
    }
}
