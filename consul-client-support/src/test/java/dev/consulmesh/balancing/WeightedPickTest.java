package dev.consulmesh.balancing;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WeightedPickTest {

    private static final int PICKS = 100_000;

    @Test
    void aPositionPicksTheIndexWhoseStretchOfTheSumHoldsIt() {
        double[] weights = {3, 1};
        assertThat(WeightedPick.at(weights, 0.0)).isZero();
        assertThat(WeightedPick.at(weights, 0.5)).isZero();
        assertThat(WeightedPick.at(weights, 0.7499)).isZero();
        assertThat(WeightedPick.at(weights, 0.75)).isEqualTo(1);
        assertThat(WeightedPick.at(weights, 0.9999)).isEqualTo(1);
    }

    @Test
    void anIndexOfWeightZeroIsNeverPicked() {
        double[] weights = {0, 2, 0, 2};
        assertThat(WeightedPick.at(weights, 0.0)).isEqualTo(1);
        assertThat(WeightedPick.at(weights, 0.4999)).isEqualTo(1);
        assertThat(WeightedPick.at(weights, 0.5)).isEqualTo(3);
        assertThat(WeightedPick.at(weights, 0.9999)).isEqualTo(3);
    }

    @Test
    void allWeightsZeroPickEvenlyByPosition() {
        double[] weights = {0, 0, 0, 0};
        assertThat(WeightedPick.at(weights, 0.0)).isZero();
        assertThat(WeightedPick.at(weights, 0.3)).isEqualTo(1);
        assertThat(WeightedPick.at(weights, 0.6)).isEqualTo(2);
        assertThat(WeightedPick.at(weights, 0.9999)).isEqualTo(3);
    }

    @Test
    void randomPicksEachIndexInProportionToItsWeight() {
        RandomGenerator random = new SplittableRandom(42);
        double[] weights = {1, 2, 7};
        int[] picks = new int[weights.length];
        for (int i = 0; i < PICKS; i++) {
            picks[WeightedPick.random(weights, random)]++;
        }
        assertThat(picks[0] / (double) PICKS).isCloseTo(0.1, within(0.01));
        assertThat(picks[1] / (double) PICKS).isCloseTo(0.2, within(0.01));
        assertThat(picks[2] / (double) PICKS).isCloseTo(0.7, within(0.01));
    }

    @Test
    void twoDrawsTwoDifferentIndexesTheSecondAmongTheOthersByWeight() {
        RandomGenerator random = new SplittableRandom(7);
        double[] weights = {1, 1, 2};
        int[][] pairs = new int[3][3];
        for (int i = 0; i < PICKS; i++) {
            int[] two = WeightedPick.two(weights, random);
            assertThat(two[0]).isNotEqualTo(two[1]);
            pairs[two[0]][two[1]]++;
        }
        // first in proportion to 1:1:2; the second in proportion to the weights of the two left
        assertThat(share(pairs, 0, 1)).isCloseTo(0.25 * 1 / 3, within(0.01));
        assertThat(share(pairs, 0, 2)).isCloseTo(0.25 * 2 / 3, within(0.01));
        assertThat(share(pairs, 1, 0)).isCloseTo(0.25 * 1 / 3, within(0.01));
        assertThat(share(pairs, 1, 2)).isCloseTo(0.25 * 2 / 3, within(0.01));
        assertThat(share(pairs, 2, 0)).isCloseTo(0.5 * 1 / 2, within(0.01));
        assertThat(share(pairs, 2, 1)).isCloseTo(0.5 * 1 / 2, within(0.01));
        assertThat(weights).as("the weights handed in are left as they were").containsExactly(1, 1, 2);
    }

    @Test
    void twoWithOneWeightedIndexStillOffersADifferentSecond() {
        RandomGenerator random = new SplittableRandom(3);
        double[] weights = {0, 5, 0};
        for (int i = 0; i < 1_000; i++) {
            int[] two = WeightedPick.two(weights, random);
            assertThat(two[0]).isEqualTo(1);
            assertThat(two[1]).isIn(0, 2);
        }
        assertThat(weights).containsExactly(0, 5, 0);
    }

    private static double share(int[][] pairs, int first, int second) {
        return pairs[first][second] / (double) PICKS;
    }
}
