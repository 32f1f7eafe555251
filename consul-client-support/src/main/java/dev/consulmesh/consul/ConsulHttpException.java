package dev.consulmesh.consul;

/**
 * The Consul agent answered a call with a status other than 2xx: the status and what Consul said, so
 * that a refusal for want of ACL rights (403) can be told from an outage.
 */
public final class ConsulHttpException extends RuntimeException {

    private final int status;
    private final String body;

    public ConsulHttpException(String call, int status, String body) {
        super(call + " answered " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body.strip())));
        this.status = status;
        this.body = body == null ? "" : body;
    }

    public int status() {
        return status;
    }

    /** What Consul said, as it said it. */
    public String body() {
        return body;
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }
}
