package dev.consulmesh.transport.tls;

/**
 * A TLS setting that cannot be used: the message names the property and what is wrong with it, the
 * action what to change. Start-up reports it through the library's failure analyzer.
 */
public final class InvalidTlsSettingException extends IllegalArgumentException {

    private final String property;
    private final String action;

    public InvalidTlsSettingException(String property, String message, String action, Throwable cause) {
        super(message, cause);
        this.property = property;
        this.action = action;
    }

    public InvalidTlsSettingException(String property, String message, String action) {
        this(property, message, action, null);
    }

    /** The property at fault, e.g. {@code mesh.client.tls.bundle}. */
    public String property() {
        return property;
    }

    /** What the user should change, as a sentence. */
    public String action() {
        return action;
    }
}
