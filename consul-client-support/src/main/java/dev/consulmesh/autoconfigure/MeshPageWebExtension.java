package dev.consulmesh.autoconfigure;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /actuator/mesh/page}: the {@code mesh} endpoint as a page people watch — every called service,
 * its nodes with their state, Consul's status, the latest diagnosis, calls per second, failed share and
 * p99 latency, refreshed every two seconds from {@code /actuator/mesh}. One static HTML file with its
 * script, no build step. It is part of the {@code mesh} endpoint, so it is exposed exactly where that is:
 * on the management port, never on the application's own.
 */
@EndpointWebExtension(endpoint = MeshEndpoint.class)
public class MeshPageWebExtension {

    static final String PAGE = "page";
    private static final String RESOURCE = "mesh-page.html";

    private final String html;

    public MeshPageWebExtension() {
        try (InputStream in = MeshPageWebExtension.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + MeshPageWebExtension.class.getName());
            }
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The page at {@code page}; any other name under {@code /actuator/mesh/} answers 404. */
    @ReadOperation(produces = "text/html;charset=UTF-8")
    public String page(@Selector String name) {
        return PAGE.equals(name) ? html : null;
    }
}
