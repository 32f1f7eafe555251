package dev.consulmesh.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

import javax.net.ssl.SSLException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds Netty TLS contexts for each side of a connection, from PEM files named by {@link TlsProperties}
 * or from a Spring Boot SSL bundle, failing with the property and the file or bundle at fault: a missing
 * file, a key in a format other than PEM PKCS#8, a certificate that does not parse, a bundle without the
 * key or trust material its side needs.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * The server side of a node, from PEM files.
     *
     * @param prefix the properties' prefix, for messages ({@code push.tcp.tls})
     */
    public static SslContext forServer(TlsProperties tls, String prefix) {
        File certificate = existing(tls.getCertificate(), prefix + ".certificate", "");
        File key = privateKey(tls.getPrivateKey(), prefix + ".private-key");
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate, key, blankToNull(tls.getPrivateKeyPassword()));
            if (tls.getClientAuth() != TlsProperties.ClientAuth.NONE) {
                builder.trustManager(existing(tls.getTrustedCertificates(), prefix + ".trusted-certificates",
                        " (the CA of client certificates, needed with client-auth " + tls.getClientAuth() + ")"));
            }
            return clientAuth(builder, tls.getClientAuth()).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw invalid(prefix, e);
        }
    }

    /**
     * The client side of a caller, from PEM files.
     *
     * @param prefix the properties' prefix, for messages ({@code mesh.client.tls})
     */
    public static SslContext forClient(TlsProperties tls, String prefix) {
        try {
            SslContextBuilder builder = clientBuilder();
            if (hasText(tls.getTrustedCertificates())) {
                builder.trustManager(existing(tls.getTrustedCertificates(), prefix + ".trusted-certificates", ""));
            }
            if (hasText(tls.getCertificate()) || hasText(tls.getPrivateKey())) {
                builder.keyManager(existing(tls.getCertificate(), prefix + ".certificate", ""),
                        privateKey(tls.getPrivateKey(), prefix + ".private-key"), blankToNull(tls.getPrivateKeyPassword()));
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw invalid(prefix, e);
        }
    }

    /** The server side of a node, from the key (and, for client certificates, trust) material of an SSL bundle. */
    static SslContext forServer(SslBundle bundle, TlsProperties.ClientAuth clientAuth, BundleSetting setting) {
        try {
            SslManagerBundle managers = bundle.getManagers();
            if (bundle.getStores().getKeyStore() == null) {
                throw new InvalidTlsSettingException(setting.property(), setting + ": SSL bundle '" + setting.name()
                        + "' has no key store, and a server needs its certificate and private key",
                        "Set spring.ssl.bundle.pem." + setting.name() + ".keystore.certificate and .private-key.");
            }
            SslContextBuilder builder = SslContextBuilder.forServer(managers.getKeyManagerFactory());
            if (clientAuth != TlsProperties.ClientAuth.NONE) {
                if (bundle.getStores().getTrustStore() == null) {
                    throw new InvalidTlsSettingException(setting.property(), setting + ": SSL bundle '" + setting.name()
                            + "' has no trust store, needed with client-auth " + clientAuth + " (the CA of client certificates)",
                            "Set spring.ssl.bundle.pem." + setting.name() + ".truststore.certificate to the CA that signs"
                                    + " client certificates, or set client-auth to none.");
                }
                builder.trustManager(managers.getTrustManagerFactory());
            }
            return withOptions(clientAuth(builder, clientAuth), bundle.getOptions()).build();
        } catch (SSLException | RuntimeException e) {
            throw unusable(setting, e);
        }
    }

    /** The client side of a caller, from an SSL bundle: its trust store, and its key store for mutual TLS. */
    static SslContext forClient(SslBundle bundle, BundleSetting setting) {
        try {
            SslManagerBundle managers = bundle.getManagers();
            SslContextBuilder builder = clientBuilder();
            // Without a trust store, as without trusted-certificates: the JVM's default trust.
            if (bundle.getStores().getTrustStore() != null) {
                builder.trustManager(managers.getTrustManagerFactory());
            }
            if (bundle.getStores().getKeyStore() != null) {
                builder.keyManager(managers.getKeyManagerFactory());
            }
            return withOptions(builder, bundle.getOptions()).build();
        } catch (SSLException | RuntimeException e) {
            throw unusable(setting, e);
        }
    }

    private static SslContextBuilder clientBuilder() {
        // No endpoint identification here (Netty 4.2 turns it on by default): the client sets it on each
        // connection's engine, checking the node's certificate against the address it connects to.
        return SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
    }

    private static SslContextBuilder clientAuth(SslContextBuilder builder, TlsProperties.ClientAuth clientAuth) {
        return switch (clientAuth) {
            case NONE -> builder;
            case OPTIONAL -> builder.clientAuth(ClientAuth.OPTIONAL);
            case REQUIRE -> builder.clientAuth(ClientAuth.REQUIRE);
        };
    }

    /** The bundle's {@code options.ciphers} and {@code options.enabled-protocols}, when it sets them. */
    private static SslContextBuilder withOptions(SslContextBuilder builder, SslOptions options) {
        if (options.getCiphers() != null) {
            builder.ciphers(List.of(options.getCiphers()));
        }
        if (options.getEnabledProtocols() != null) {
            builder.protocols(options.getEnabledProtocols());
        }
        return builder;
    }

    private static File existing(String path, String property, String purpose) {
        if (!hasText(path)) {
            throw new InvalidTlsSettingException(property, property + purpose + " is not set: give the path of a PEM file",
                    "Set " + property + ".");
        }
        File file = Path.of(path).toFile();
        if (!file.isFile() || !file.canRead()) {
            throw new InvalidTlsSettingException(property, property + purpose + ": cannot read " + file.getAbsolutePath(),
                    "Check that " + property + " names a readable PEM file.");
        }
        return file;
    }

    /** Netty reads PEM PKCS#8 keys; a traditional "BEGIN RSA/EC PRIVATE KEY" file gets an actionable message. */
    private static File privateKey(String path, String property) {
        File file = existing(path, property, "");
        String head;
        try {
            head = Files.readString(file.toPath(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new InvalidTlsSettingException(property, property + ": cannot read " + file.getAbsolutePath() + ": "
                    + e.getMessage(), "Check that " + property + " names a readable PEM file.", e);
        }
        if (!head.contains("-----BEGIN PRIVATE KEY-----") && !head.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            String found = head.contains("-----BEGIN ") ? head.substring(head.indexOf("-----BEGIN "), Math.min(head.length(),
                    head.indexOf("-----BEGIN ") + 40)).split("\n")[0] : "no PEM block";
            throw new InvalidTlsSettingException(property, property + ": " + file + " holds " + found + "; accepted: PEM PKCS#8"
                    + " (BEGIN PRIVATE KEY, or BEGIN ENCRYPTED PRIVATE KEY with private-key-password)."
                    + " Convert with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8",
                    "Give " + property + " a PEM PKCS#8 key.");
        }
        return file;
    }

    private static InvalidTlsSettingException invalid(String prefix, Exception e) {
        if (e instanceof InvalidTlsSettingException named) {
            return named;
        }
        return new InvalidTlsSettingException(prefix, "invalid TLS settings under " + prefix + ": " + e.getMessage(),
                "Check the files named by " + prefix + ".certificate, .private-key and .trusted-certificates.", e);
    }

    private static InvalidTlsSettingException unusable(BundleSetting setting, Exception e) {
        if (e instanceof InvalidTlsSettingException named) {
            return named;
        }
        return new InvalidTlsSettingException(setting.property(), setting + ": SSL bundle '" + setting.name()
                + "' cannot be loaded (" + rootMessage(e) + ")",
                "Check the files and passwords of " + setting.bundleProperties() + ".", e);
    }

    static String rootMessage(Throwable failure) {
        StringBuilder messages = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !messages.toString().contains(cause.getMessage())) {
                messages.append(": ").append(cause.getMessage());
            }
        }
        return messages.toString();
    }

    private static String blankToNull(String value) {
        return hasText(value) ? value : null;
    }

    static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
