package dev.consulmesh.testsupport;

import org.testcontainers.DockerClientFactory;

/**
 * A real Consul agent for a test: a local dev agent from consul/install.sh's binary, or, only where
 * no binary can be had and Docker works, Testcontainers' ConsulContainer.
 */
public interface TestConsul extends AutoCloseable {

    /** The address the agent's HTTP API listens on, as seen from the test. */
    String host();

    int httpPort();

    ConsulHttp http();

    /** Ends the agent abruptly (SIGKILL), as a crash or a lost host would: it neither leaves nor answers. */
    void kill();

    @Override
    void close();

    static TestConsul start() {
        try {
            ConsulBinary.path();
        } catch (IllegalStateException noBinary) {
            if (dockerAvailable()) {
                return DockerConsul.start();
            }
            throw noBinary;
        }
        return LocalConsulAgent.start();
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
