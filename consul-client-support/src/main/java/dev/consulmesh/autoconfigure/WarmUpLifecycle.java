package dev.consulmesh.autoconfigure;

import dev.consulmesh.warmup.WarmUp;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the warm-up once the servers listen (the web server, the management server, the TCP server) and
 * before registration: its start blocks, so the process registers in Consul, and Spring Boot reports it
 * ready (readiness {@code ACCEPTING_TRAFFIC}, published after every lifecycle started), only once it is
 * warm. Until then its readiness group answers DOWN and Consul has no check of it to pass.
 */
final class WarmUpLifecycle implements SmartLifecycle {

    /** After the web servers' phases, before {@link RegistrationLifecycle#PHASE}. */
    static final int PHASE = RegistrationLifecycle.PHASE - 100;

    private final WarmUp warmUp;
    private volatile boolean done;

    WarmUpLifecycle(WarmUp warmUp) {
        this.warmUp = warmUp;
    }

    @Override
    public void start() {
        if (!done) {
            warmUp.run();
            done = true;
        }
    }

    @Override
    public void stop() {
        // nothing to undo: the warm-up's server and client are closed when it ends
    }

    @Override
    public boolean isRunning() {
        return done;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
