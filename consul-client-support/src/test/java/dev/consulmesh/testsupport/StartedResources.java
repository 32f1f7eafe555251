package dev.consulmesh.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test started (processes, clients, temporary files), closed in reverse order of starting: a
 * later thing may depend on an earlier one. Every one is closed even when another fails to; the first
 * failure is thrown afterwards. Reusable: closing empties it.
 */
public final class StartedResources implements AutoCloseable {

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Adds {@code resource} to close later; returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        resources.add(resource);
        return resource;
    }

    @Override
    public synchronized void close() throws Exception {
        Exception first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        resources.clear();
        if (first != null) {
            throw first;
        }
    }
}
