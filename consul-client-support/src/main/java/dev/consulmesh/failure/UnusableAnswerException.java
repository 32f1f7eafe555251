package dev.consulmesh.failure;

/**
 * The node answered, but the caller cannot use the answer (an object where an array was expected, a
 * missing field). Thrown by the caller's code while it reads a reply (a decoder passed to the mesh
 * client); the mesh client names the node that gave the answer, counts it against that node, and may
 * try another node for an idempotent pattern.
 */
public class UnusableAnswerException extends RuntimeException implements ClassifiedFailure {

    private final String node;
    private final String problem;

    /** @param problem what is wrong with the answer, e.g. "expected an array of news items, got OBJECT" */
    public UnusableAnswerException(String problem) {
        this(null, problem, null);
    }

    public UnusableAnswerException(String problem, Throwable cause) {
        this(null, problem, cause);
    }

    private UnusableAnswerException(String node, String problem, Throwable cause) {
        super(node == null ? problem : node + " gave an answer the caller cannot use: " + problem, cause);
        this.node = node;
        this.problem = problem;
    }

    /**
     * The failure of the caller's code reading an answer of {@code node} (host:port), as an unusable
     * answer of that node.
     */
    public static UnusableAnswerException of(String node, Throwable failure) {
        if (failure instanceof UnusableAnswerException unusable) {
            return new UnusableAnswerException(node, unusable.problem, unusable.getCause());
        }
        return new UnusableAnswerException(node, String.valueOf(failure.getMessage()), failure);
    }

    /** host:port of the node that gave the answer; null until the mesh client attributed it. */
    public String node() {
        return node;
    }

    public String problem() {
        return problem;
    }

    @Override
    public CallFailure callFailure() {
        return new CallFailure(FailureKind.UNUSABLE_ANSWER, CallFailure.Blame.ANSWER, problem);
    }
}
