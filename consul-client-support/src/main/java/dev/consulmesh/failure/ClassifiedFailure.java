package dev.consulmesh.failure;

/** A failure of a call that knows its {@link CallFailure classification}. */
public interface ClassifiedFailure {

    CallFailure callFailure();
}
