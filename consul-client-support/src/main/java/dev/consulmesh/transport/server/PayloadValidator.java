package dev.consulmesh.transport.server;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.HibernateValidator;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks a {@code @Valid} payload with Jakarta Validation and turns its violations into an
 * {@link InvalidPayloadException} whose lines read like class-validator's ({@code "limit must be less
 * than or equal to 100"}): the field's path, a space, the constraint's message; sorted, so the same
 * payload always gets the same answer.
 */
public final class PayloadValidator {

    private static final PayloadValidator DEFAULTS = new PayloadValidator(PayloadValidator::englishValidator);

    private final Supplier<Validator> validator;
    private volatile Validator resolved;

    private PayloadValidator(Supplier<Validator> validator) {
        this.validator = validator;
    }

    /** Validates with the application's validator (its message locale, its constraint extensions). */
    public static PayloadValidator using(Validator validator) {
        return new PayloadValidator(() -> validator);
    }

    /**
     * Validates with a default validator whose messages are English, as a Nest peer's are: the text goes
     * to another program, not to the user of this machine's locale. Built on first use only.
     */
    public static PayloadValidator withDefaults() {
        return DEFAULTS;
    }

    /** @throws InvalidPayloadException naming every violated constraint */
    void validate(Object payload) {
        Set<ConstraintViolation<Object>> violations = validator().validate(payload);
        if (violations.isEmpty()) {
            return;
        }
        List<String> problems = violations.stream().map(PayloadValidator::problem).sorted().toList();
        throw new InvalidPayloadException(problems);
    }

    private static String problem(ConstraintViolation<Object> violation) {
        String path = violation.getPropertyPath().toString();
        return path.isEmpty() ? violation.getMessage() : path + " " + violation.getMessage();
    }

    private Validator validator() {
        Validator current = resolved;
        if (current == null) {
            synchronized (this) {
                if (resolved == null) {
                    resolved = validator.get();
                }
                current = resolved;
            }
        }
        return current;
    }

    private static Validator englishValidator() {
        return Validation.byProvider(HibernateValidator.class).configure()
                .defaultLocale(Locale.ENGLISH)
                .buildValidatorFactory()
                .getValidator();
    }
}
