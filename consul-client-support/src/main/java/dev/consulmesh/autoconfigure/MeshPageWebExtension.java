package dev.consulmesh.autoconfigure;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private final String contentSecurityPolicy;

    public MeshPageWebExtension() {
        try (InputStream in = MeshPageWebExtension.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + MeshPageWebExtension.class.getName());
            }
            html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        contentSecurityPolicy = "default-src 'none'; script-src " + hashes("script") + "; style-src " + hashes("style")
                + "; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    /**
     * The page's Content-Security-Policy: its own inline script and style (by their SHA-256) and requests to
     * its own origin, nothing else; no site may frame it.
     */
    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    /** 'sha256-...' of each inline element of the kind, as CSP Level 2 names them. */
    private String hashes(String element) {
        StringBuilder sources = new StringBuilder();
        Matcher inline = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(html);
        while (inline.find()) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(inline.group(1).getBytes(StandardCharsets.UTF_8));
                sources.append(sources.isEmpty() ? "" : " ").append("'sha256-").append(Base64.getEncoder().encodeToString(digest))
                        .append('\'');
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }
        return sources.isEmpty() ? "'none'" : sources.toString();
    }

    /** The page at {@code page}; any other name under {@code /actuator/mesh/} answers 404. */
    @ReadOperation(produces = "text/html;charset=UTF-8")
    public String page(@Selector String name) {
        return PAGE.equals(name) ? html : null;
    }
}
