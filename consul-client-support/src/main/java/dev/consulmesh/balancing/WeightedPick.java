package dev.consulmesh.balancing;

import java.util.random.RandomGenerator;

/** Picks an index in proportion to weights: the one step every weighted balancer shares. */
final class WeightedPick {

    private WeightedPick() {
    }

    /**
     * The index whose stretch of the weights' sum holds {@code position} (0 ≤ position < 1): with weights
     * 3 and 1, positions below 0.75 pick the first. All weights 0 (cannot happen in a pool) pick evenly.
     */
    static int at(double[] weights, double position) {
        double total = 0;
        for (double weight : weights) {
            total += weight;
        }
        if (!(total > 0)) {
            return Math.min(weights.length - 1, (int) (position * weights.length));
        }
        double point = position * total;
        for (int i = 0; i < weights.length; i++) {
            point -= weights[i];
            if (point < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    static int random(double[] weights, RandomGenerator random) {
        return at(weights, random.nextDouble());
    }

    /**
     * Two different indexes, each drawn in proportion to the weights (the second among the others):
     * power-of-two-choices where a node of weight 3 is offered three times as often as one of weight 1.
     */
    static int[] two(double[] weights, RandomGenerator random) {
        int first = random(weights, random);
        double kept = weights[first];
        weights[first] = 0;
        int second = random(weights, random);
        weights[first] = kept;
        if (second == first) {
            second = (first + 1) % weights.length;
        }
        return new int[]{first, second};
    }
}
