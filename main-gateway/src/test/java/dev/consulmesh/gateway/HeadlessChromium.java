package dev.consulmesh.gateway;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver through Selenium WebDriver, with a fresh
 * profile that {@link #close()} deletes. Both binaries are given by path, so Selenium Manager never runs
 * and nothing is downloaded.
 */
public final class HeadlessChromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    // The background-networking flags keep Chromium from calling out to its vendor's services on its own.
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Skips the calling test when Chromium or chromedriver is missing, saying what to install; on CI
     * (CI=true) a missing browser fails the test instead, since .ci/run installs both.
     */
    public static void assumeInstalled() {
        List<String> missing = Stream.of(BROWSER, DRIVER).filter(path -> !Files.isExecutable(path))
                .map(Path::toString).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = String.join(" and ", missing) + " missing: install Debian's chromium and chromium-driver"
                + " (apt-get install chromium chromium-driver)";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(message + "; .ci/run should have installed them");
        }
        Assumptions.abort(message);
    }

    /** Starts chromedriver on a free loopback port and a browser with a window of the given size. */
    public static HeadlessChromium start(Dimension window) {
        Path profile;
        try {
            profile = Files.createTempDirectory("chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a Chromium profile folder", e);
        }
        List<String> arguments = new ArrayList<>(FLAGS);
        arguments.add("--window-size=" + window.getWidth() + "," + window.getHeight());
        arguments.add("--user-data-dir=" + profile);
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER.toFile()).addArguments(arguments);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteTree(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Saves what the window shows as a PNG, creating the folder when needed. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; what is left of it goes with the machine's temp files
        }
    }
}
