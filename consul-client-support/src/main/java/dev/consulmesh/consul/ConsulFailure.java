package dev.consulmesh.consul;

import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.UnknownContentTypeException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong with a call to the Consul agent, told apart by what the agent did: refused the
 * token, answered an error status, answered something that is not Consul's JSON, cut its answer
 * short, or could not be reached at all. Callers log a problem once per {@link #sameKindAs kind} and
 * retry; the text says what happened and where.
 *
 * @param kind   what the agent did
 * @param status the HTTP status of an error answer; 0 for the other kinds
 * @param text   what happened, naming the agent's address, for logs and health
 */
public record ConsulFailure(Kind kind, int status, String text) {

    /** What the agent did. */
    public enum Kind {
        /** Refused the call for want of ACL rights (403); {@link #text()} says what to change. */
        REFUSED,
        /** Answered a status other than 2xx. */
        ERROR_STATUS,
        /** Answered 2xx with a body that is not what Consul sends (a proxy's page, garbage). */
        UNREADABLE_ANSWER,
        /** Began an answer and the connection failed before its end. */
        ANSWER_CUT_SHORT,
        /** Could not be reached, or gave no answer in time. */
        UNREACHABLE
    }

    /**
     * @param failure what the call threw
     * @param refusal the agent's {@link ConsulAgent#aclRefusal ACL refusal} of the call, or null
     * @param address scheme://host:port of the agent
     */
    static ConsulFailure of(Throwable failure, AclRefusal refusal, String address) {
        if (refusal != null) {
            return new ConsulFailure(Kind.REFUSED, 403, refusal.text());
        }
        if (failure instanceof ConsulHttpException answered) {
            return new ConsulFailure(Kind.ERROR_STATUS, answered.status(),
                    "the Consul agent at " + address + " failed: " + answered.getMessage());
        }
        if (!(failure instanceof ResourceAccessException)) {
            // RestClient reads the body after the status: an I/O failure then means the answer was cut short.
            List<String> io = ioMessages(failure);
            if (!io.isEmpty()) {
                return new ConsulFailure(Kind.ANSWER_CUT_SHORT, 0, "the answer of the Consul agent at " + address
                        + " was cut short (" + String.join("; ", io) + ")");
            }
            Throwable unreadable = find(failure, HttpMessageNotReadableException.class, UnknownContentTypeException.class);
            if (unreadable != null) {
                return new ConsulFailure(Kind.UNREADABLE_ANSWER, 0, "the Consul agent at " + address
                        + " answered with a body that cannot be read as Consul's JSON (" + ConsulHttpException.abbreviate(String.valueOf(unreadable.getMessage()))
                        + "); check that spring.cloud.consul.host/port name a Consul agent, not a proxy or another server");
            }
        }
        return new ConsulFailure(Kind.UNREACHABLE, 0, "cannot query Consul at " + address
                + " (" + failure.getClass().getSimpleName() + ": " + failure.getMessage() + ")");
    }

    /** Whether both are the same problem: the same kind, and for an error answer the same status. */
    public boolean sameKindAs(ConsulFailure other) {
        return other != null && kind == other.kind && status == other.status;
    }

    private static List<String> ioMessages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null && !messages.contains(cause.getMessage())) {
                messages.add(cause.getMessage());
            }
        }
        return messages;
    }

    @SafeVarargs
    private static Throwable find(Throwable failure, Class<? extends Throwable>... types) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(cause)) {
                    return cause;
                }
            }
        }
        return null;
    }
}
