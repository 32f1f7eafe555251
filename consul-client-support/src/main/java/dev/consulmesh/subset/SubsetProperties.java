package dev.consulmesh.subset;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Subsetting of one service's nodes ({@code mesh.client.services.<service>.subset.*}); each setting left
 * unset is the {@code mesh.client.subset.*} one. See docs/scale.md.
 */
public class SubsetProperties {

    /**
     * Most nodes of one service a caller connects to (per datacenter; canary instances come on top).
     * 0: every node. A service with no more nodes than this is routed to exactly as without subsetting.
     */
    @Min(0)
    @Max(10_000)
    private Integer size;

    public Integer getSize() {
        return size;
    }

    public void setSize(Integer size) {
        this.size = size;
    }
}
