package dev.consulmesh.transport.tls;

/**
 * A TLS setting naming a Spring Boot SSL bundle, e.g. {@code mesh.tcp.tls.bundle=mesh-node}: what
 * messages about that bundle name.
 *
 * @param property the setting, {@code mesh.tcp.tls.bundle}
 * @param name     the bundle it names
 */
record BundleSetting(String property, String name) {

    /** {@code mesh.tcp.tls.bundle=mesh-node}. */
    @Override
    public String toString() {
        return property + "=" + name;
    }

    /** Where Spring Boot reads the bundle from. */
    String bundleProperties() {
        return "spring.ssl.bundle.pem." + name + ".* or spring.ssl.bundle.jks." + name + ".*";
    }
}
