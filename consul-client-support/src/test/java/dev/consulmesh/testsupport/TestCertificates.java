package dev.consulmesh.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Certificates made for one test run with the machine's {@code openssl}, in a temporary folder deleted
 * on close: never a committed private key. Keys are EC P-256 in PEM PKCS#8; certificates last two days.
 */
public final class TestCertificates implements AutoCloseable {

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates create() {
        try {
            return new TestCertificates(Files.createTempDirectory("mesh-tls-"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a folder for test certificates: " + e.getMessage(), e);
        }
    }

    /** A key and certificate pair in PEM files. */
    public record Pair(Path certificate, Path privateKey) {
    }

    /** A self-signed CA named {@code name}. */
    public Pair authority(String name) {
        Pair ca = files(name);
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca.privateKey().toString(), "-out", ca.certificate().toString(), "-days", "2",
                "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return ca;
    }

    /** A server certificate signed by {@code ca} for these subject alternative names, e.g. "IP:127.0.0.1". */
    public Pair server(String name, Pair ca, String... subjectAltNames) {
        return signed(name, ca, "subjectAltName=" + String.join(",", subjectAltNames) + "\nextendedKeyUsage=serverAuth\n");
    }

    /** A client certificate signed by {@code ca}. */
    public Pair client(String name, Pair ca) {
        return signed(name, ca, "extendedKeyUsage=clientAuth\n");
    }

    /** A private key in the traditional "BEGIN RSA PRIVATE KEY" form (PKCS#1), which the transport refuses. */
    public Path rsaTraditionalKey(String name) {
        Path key = dir.resolve(name + ".key");
        openssl("genrsa", "-traditional", "-out", key.toString(), "2048");
        return key;
    }

    private Pair signed(String name, Pair ca, String extensions) {
        Pair pair = files(name);
        Path request = dir.resolve(name + ".csr");
        Path extensionFile = dir.resolve(name + ".ext");
        try {
            Files.writeString(extensionFile, extensions, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", pair.privateKey().toString(), "-out", request.toString(), "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", request.toString(), "-CA", ca.certificate().toString(),
                "-CAkey", ca.privateKey().toString(), "-CAcreateserial", "-out", pair.certificate().toString(),
                "-days", "2", "-extfile", extensionFile.toString());
        return pair;
    }

    private Pair files(String name) {
        return new Pair(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    private void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run openssl (Debian's openssl package makes the test certificates): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder
        }
    }
}
