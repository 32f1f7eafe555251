package dev.consulmesh.discovery;

/**
 * Consul's weights of an instance ({@code Weights.Passing}, {@code Weights.Warning}): its share of calls
 * relative to the other instances while its checks pass, and while one warns. Consul's defaults are 1
 * and 1; a warning weight of 0 keeps a warning instance out of rotation.
 */
public record ServiceWeights(int passing, int warning) {

    /** Consul's own defaults, for instances registered without weights (or with weights out of range). */
    public static final ServiceWeights DEFAULT = new ServiceWeights(1, 1);
    /** Above this a weight is taken for a mistake: shares of 1:10000 are already all-or-nothing. */
    public static final int MAX = 10_000;

    public ServiceWeights {
        if (passing < 1 || passing > MAX || warning < 0 || warning > MAX) {
            throw new IllegalArgumentException("weights must be passing 1.." + MAX + " and warning 0.." + MAX
                    + ", got passing " + passing + ", warning " + warning);
        }
    }

    /** Whether Consul's answer holds usable weights: null (not given) counts as Consul's default of 1. */
    public static boolean valid(Integer passing, Integer warning) {
        int p = passing == null ? 1 : passing;
        int w = warning == null ? 1 : warning;
        return p >= 1 && p <= MAX && w >= 0 && w <= MAX;
    }

    /** The weights Consul gave, null counting as 1; {@link #valid} first. */
    public static ServiceWeights of(Integer passing, Integer warning) {
        int p = passing == null ? 1 : passing;
        int w = warning == null ? 1 : warning;
        return p == 1 && w == 1 ? DEFAULT : new ServiceWeights(p, w);
    }

    public int forStatus(InstanceHealth.Status status) {
        return status == InstanceHealth.Status.WARNING ? warning : passing;
    }
}
