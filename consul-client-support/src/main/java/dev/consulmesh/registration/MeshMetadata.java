package dev.consulmesh.registration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The metadata every instance registers beside the application's own ({@code mesh.registration.meta}),
 * what an operator looks for in Consul's UI: which version of the mesh it runs, how callers talk to it,
 * and where its actuator answers. Keys use Consul's allowed characters, and read as Prometheus'
 * {@code __meta_consul_service_metadata_<key>} labels unchanged.
 */
public final class MeshMetadata {

    /** The mesh library's version, e.g. {@code 0.1.0}. */
    public static final String VERSION = "mesh_version";
    /** How callers reach the registered port: {@code nest-tcp}, {@code nest-tcp+tls} or {@code http}. */
    public static final String TRANSPORT = "mesh_transport";
    /** The port of the process's actuator, when it is not the registered port. */
    public static final String MANAGEMENT_PORT = "management_port";

    public static final String NEST_TCP = "nest-tcp";
    public static final String NEST_TCP_TLS = "nest-tcp+tls";
    public static final String HTTP = "http";

    private static final String VERSION_RESOURCE = "mesh-version.properties";

    private MeshMetadata() {
    }

    /**
     * The mesh's entries, then the application's: an entry of the application's own under the same key
     * is what registers.
     *
     * @param managementPort the actuator's port, or null when it answers on the registered port or not at all
     */
    public static Map<String, String> of(String transport, Integer managementPort, Map<String, String> application) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(VERSION, version());
        meta.put(TRANSPORT, transport);
        if (managementPort != null) {
            meta.put(MANAGEMENT_PORT, String.valueOf(managementPort));
        }
        meta.putAll(application);
        return meta;
    }

    /** The version the build wrote into the library; {@code unknown} in a build that did not filter resources. */
    public static String version() {
        try (InputStream in = MeshMetadata.class.getResourceAsStream(VERSION_RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "");
            return version.isBlank() || version.startsWith("@") ? "unknown" : version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + VERSION_RESOURCE + " of the mesh library", e);
        }
    }
}
