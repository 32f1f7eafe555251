package dev.consulmesh.transport.tls;

import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;

/**
 * A TLS context built from a Spring Boot SSL bundle and rebuilt each time the bundle is updated (with
 * {@code reload-on-update: true}, when its files change): new connections then use the new certificate,
 * open ones are left alone. An update that cannot be used is logged and the previous context kept, so a
 * half-rotated set of files never fails connections.
 */
final class BundleReload {

    private static final Logger log = LoggerFactory.getLogger(BundleReload.class);

    /** Builds one side's context from a bundle. */
    @FunctionalInterface
    interface ContextBuilder {
        SslContext build(SslBundle bundle, BundleSetting setting);
    }

    private BundleReload() {
    }

    static CurrentTlsContext follow(SslBundles bundles, BundleSetting setting, ContextBuilder builder) {
        SslBundle bundle;
        try {
            bundle = bundles.getBundle(setting.name());
        } catch (NoSuchSslBundleException e) {
            List<String> defined = bundles.getBundleNames();
            throw new InvalidTlsSettingException(setting.property(), setting + ": no SSL bundle named '" + setting.name()
                    + "' (" + setting.bundleProperties() + "); bundles defined: " + defined,
                    "Define the bundle under " + setting.bundleProperties()
                            + (defined.isEmpty() ? "." : ", or name one of " + defined + " in " + setting.property() + "."), e);
        }
        CurrentTlsContext current = new CurrentTlsContext(builder.build(bundle, setting), "SSL bundle '" + setting.name() + "'");
        bundles.addBundleUpdateHandler(setting.name(), updated -> replace(current, updated, setting, builder));
        log.debug("{}: TLS from {}", setting, describe(bundle));
        return current;
    }

    private static void replace(CurrentTlsContext current, SslBundle updated, BundleSetting setting, ContextBuilder builder) {
        SslContext next;
        try {
            next = builder.build(updated, setting);
        } catch (RuntimeException e) {
            log.warn("{}: the updated SSL bundle cannot be used, new connections keep the previous certificate: {}",
                    setting, e.getMessage());
            return;
        }
        current.replace(next);
        log.info("{}: the SSL bundle was updated; new connections use {}", setting, describe(updated));
    }

    /** The bundle's own certificate (subject, serial, expiry) and how many certificates it trusts; never a secret. */
    static String describe(SslBundle bundle) {
        try {
            KeyStore keys = bundle.getStores().getKeyStore();
            KeyStore trust = bundle.getStores().getTrustStore();
            String own = keys == null ? "no certificate of their own" : ownCertificate(keys, bundle.getKey().getAlias());
            return own + (trust == null ? ", the JVM's default trust" : ", trusting " + trust.size() + " certificate(s)");
        } catch (KeyStoreException | RuntimeException e) {
            return "(certificate not readable: " + e.getMessage() + ")";
        }
    }

    private static String ownCertificate(KeyStore keys, String alias) throws KeyStoreException {
        for (String entry : Collections.list(keys.aliases())) {
            if ((alias == null || alias.equals(entry)) && keys.isKeyEntry(entry)) {
                Certificate certificate = keys.getCertificate(entry);
                if (certificate instanceof X509Certificate x509) {
                    return "certificate '" + x509.getSubjectX500Principal().getName() + "' (serial "
                            + x509.getSerialNumber().toString(16) + ", valid until " + x509.getNotAfter().toInstant() + ")";
                }
            }
        }
        return "no certificate with a private key";
    }
}
