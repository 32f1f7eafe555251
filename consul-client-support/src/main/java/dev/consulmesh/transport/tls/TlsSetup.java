package dev.consulmesh.transport.tls;

import io.netty.handler.ssl.SslContext;
import org.springframework.boot.ssl.SslBundles;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where a side's TLS context comes from, decided in this one place: TLS off, PEM files
 * ({@code certificate}, {@code private-key}, {@code trusted-certificates}), or a Spring Boot SSL bundle
 * ({@code bundle}) whose updates new connections follow (see {@link BundleReload}). Naming both a bundle
 * and PEM files is refused, naming the properties.
 */
public final class TlsSetup {

    private TlsSetup() {
    }

    /**
     * The server side of a node.
     *
     * @param prefix  where {@code tls} is bound, for messages ({@code push.tcp.tls})
     * @param bundles the application's SSL bundles; null when it has none (PEM files only)
     * @return the context for each accepted connection; null when TLS is off
     */
    public static CurrentTlsContext server(TlsProperties tls, String prefix, SslBundles bundles) {
        return setUp(tls, prefix, bundles, () -> TlsContexts.forServer(tls, prefix),
                (bundle, setting) -> TlsContexts.forServer(bundle, tls.getClientAuth(), setting));
    }

    /**
     * The client side of a caller.
     *
     * @param prefix  where {@code tls} is bound, for messages ({@code mesh.client.tls})
     * @param bundles the application's SSL bundles; null when it has none (PEM files only)
     * @return the context for each new connection; null when TLS is off
     */
    public static CurrentTlsContext client(TlsProperties tls, String prefix, SslBundles bundles) {
        return setUp(tls, prefix, bundles, () -> TlsContexts.forClient(tls, prefix), TlsContexts::forClient);
    }

    private static CurrentTlsContext setUp(TlsProperties tls, String prefix, SslBundles bundles,
                                           Supplier<SslContext> fromPemFiles, BundleReload.ContextBuilder fromBundle) {
        if (!tls.isEnabled()) {
            return null;
        }
        if (!TlsContexts.hasText(tls.getBundle())) {
            return new CurrentTlsContext(fromPemFiles.get(), "PEM files under " + prefix);
        }
        BundleSetting setting = new BundleSetting(prefix + ".bundle", tls.getBundle().trim());
        refusePemFilesBeside(setting, tls, prefix);
        if (bundles == null) {
            throw new InvalidTlsSettingException(setting.property(), setting + ": this application has no SSL bundles"
                    + " (Spring Boot's SslAutoConfiguration is excluded, or the transport was built without them)",
                    "Build the transport with the application's SslBundles, or use the PEM file settings under " + prefix + ".");
        }
        return BundleReload.follow(bundles, setting, fromBundle);
    }

    private static void refusePemFilesBeside(BundleSetting setting, TlsProperties tls, String prefix) {
        List<String> pemSettings = new ArrayList<>();
        addIfSet(pemSettings, prefix + ".certificate", tls.getCertificate());
        addIfSet(pemSettings, prefix + ".private-key", tls.getPrivateKey());
        addIfSet(pemSettings, prefix + ".private-key-password", tls.getPrivateKeyPassword());
        addIfSet(pemSettings, prefix + ".trusted-certificates", tls.getTrustedCertificates());
        if (!pemSettings.isEmpty()) {
            throw new InvalidTlsSettingException(setting.property(), setting + " and " + String.join(", ", pemSettings)
                    + " are both set: TLS material comes either from an SSL bundle or from PEM files, not both",
                    "Remove " + setting.property() + ", or remove " + String.join(", ", pemSettings)
                            + " and put those files in " + setting.bundleProperties() + ".");
        }
    }

    private static void addIfSet(List<String> set, String property, String value) {
        if (TlsContexts.hasText(value)) {
            set.add(property);
        }
    }
}
