package dev.consulmesh.testsupport;

import org.testcontainers.consul.ConsulContainer;

/** Consul in Docker via Testcontainers, for machines with Docker and no local consul binary. */
public final class DockerConsul implements TestConsul {

    /** The Consul version consul/install.sh pins. */
    public static final String IMAGE = "hashicorp/consul:1.22.5";

    private final ConsulContainer container;
    private final ConsulHttp http;

    private DockerConsul(ConsulContainer container) {
        this.container = container;
        this.http = new ConsulHttp("http://" + container.getHost() + ":" + container.getMappedPort(8500));
    }

    public static DockerConsul start() {
        ConsulContainer container = new ConsulContainer(IMAGE);
        container.start();
        return new DockerConsul(container);
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int httpPort() {
        return container.getMappedPort(8500);
    }

    @Override
    public ConsulHttp http() {
        return http;
    }

    @Override
    public void kill() {
        container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
    }

    @Override
    public void close() {
        container.stop();
    }
}
