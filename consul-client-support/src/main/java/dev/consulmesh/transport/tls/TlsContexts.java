package dev.consulmesh.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds Netty TLS contexts from {@link TlsProperties}, failing with the property and the file at
 * fault: a missing file, a key in a format other than PEM PKCS#8, a certificate that does not parse.
 */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * The server side of a node.
     *
     * @param prefix the properties' prefix, for messages ({@code push.tcp.tls})
     */
    public static SslContext forServer(TlsProperties tls, String prefix) {
        File certificate = existing(tls.getCertificate(), prefix + ".certificate");
        File key = privateKey(tls.getPrivateKey(), prefix + ".private-key");
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certificate, key, blankToNull(tls.getPrivateKeyPassword()));
            if (tls.getClientAuth() != TlsProperties.ClientAuth.NONE) {
                builder.trustManager(existing(tls.getTrustedCertificates(), prefix + ".trusted-certificates"
                        + " (the CA of client certificates, needed with client-auth " + tls.getClientAuth() + ")"));
                builder.clientAuth(tls.getClientAuth() == TlsProperties.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw invalid(prefix, e);
        }
    }

    /**
     * The client side of a caller.
     *
     * @param prefix the properties' prefix, for messages ({@code mesh.client.tls})
     */
    public static SslContext forClient(TlsProperties tls, String prefix) {
        try {
            // No endpoint identification here (Netty 4.2 turns it on by default): the client sets it on each
            // connection's engine, checking the node's certificate against the address it connects to.
            SslContextBuilder builder = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
            if (hasText(tls.getTrustedCertificates())) {
                builder.trustManager(existing(tls.getTrustedCertificates(), prefix + ".trusted-certificates"));
            }
            if (hasText(tls.getCertificate()) || hasText(tls.getPrivateKey())) {
                builder.keyManager(existing(tls.getCertificate(), prefix + ".certificate"),
                        privateKey(tls.getPrivateKey(), prefix + ".private-key"), blankToNull(tls.getPrivateKeyPassword()));
            }
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw invalid(prefix, e);
        }
    }

    private static File existing(String path, String property) {
        if (!hasText(path)) {
            throw new IllegalArgumentException(property + " is not set: give the path of a PEM file");
        }
        File file = Path.of(path).toFile();
        if (!file.isFile() || !file.canRead()) {
            throw new IllegalArgumentException(property + ": cannot read " + file.getAbsolutePath());
        }
        return file;
    }

    /** Netty reads PEM PKCS#8 keys; a traditional "BEGIN RSA/EC PRIVATE KEY" file gets an actionable message. */
    private static File privateKey(String path, String property) {
        File file = existing(path, property);
        String head;
        try {
            head = Files.readString(file.toPath(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(property + ": cannot read " + file.getAbsolutePath() + ": " + e.getMessage(), e);
        }
        if (!head.contains("-----BEGIN PRIVATE KEY-----") && !head.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            String found = head.contains("-----BEGIN ") ? head.substring(head.indexOf("-----BEGIN "), Math.min(head.length(),
                    head.indexOf("-----BEGIN ") + 40)).split("\n")[0] : "no PEM block";
            throw new IllegalArgumentException(property + ": " + file + " holds " + found + "; accepted: PEM PKCS#8"
                    + " (BEGIN PRIVATE KEY, or BEGIN ENCRYPTED PRIVATE KEY with private-key-password)."
                    + " Convert with: openssl pkcs8 -topk8 -nocrypt -in <key> -out <key>.pk8");
        }
        return file;
    }

    private static IllegalArgumentException invalid(String prefix, Exception e) {
        if (e instanceof IllegalArgumentException named && named.getMessage() != null && named.getMessage().startsWith(prefix)) {
            return named;
        }
        return new IllegalArgumentException("invalid TLS settings under " + prefix + ": " + e.getMessage(), e);
    }

    private static String blankToNull(String value) {
        return hasText(value) ? value : null;
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
