package org.autodifflite.layers.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;

/**
 * A data set cut into a training and a test set, by a seeded shuffle: the same data, fraction and
 * seed always give the same two sets. Each part's source is the whole set's source followed by
 * {@code " (train)"} or {@code " (test)"}.
 *
 * @param train the training set
 * @param test the held-out test set
 */
public record Split(Dataset train, Dataset test) {

    /**
     * Both parts must be there.
     *
     * @param train the training set
     * @param test the held-out test set
     */
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    /**
     * A stratified split, for classification: the samples are grouped by label (the whole label
     * column of a sample; for binary labels the groups are 0 and 1, in that order), each group is
     * shuffled and the given share of it, rounded, goes to the test set, so a rare class appears
     * in both parts in about its overall proportion. Each part is shuffled again, so batches mix
     * the classes. One {@link Random} seeded with {@code seed} draws every shuffle.
     *
     * @param data the data set
     * @param testFraction the share of each class for the test set, in (0, 1)
     * @param seed the shuffling seed
     * @return the two parts
     * @throws IllegalArgumentException if the fraction is not in (0, 1), or there are too few
     *     samples for both parts to get at least one (continuous labels, where every sample is its
     *     own group, end up here: use {@link #random(Dataset, double, long)} for them)
     */
    public static Split stratified(Dataset data, double testFraction, long seed) {
        Objects.requireNonNull(data, "data");
        requireFraction(testFraction);
        Random rng = new Random(seed);
        Map<double[], List<Integer>> groups = new TreeMap<>(Arrays::compare);
        var labels = data.labels();
        for (int j = 0; j < data.size(); j++) {
            double[] key = new double[labels.rows()];
            for (int i = 0; i < key.length; i++) {
                key[i] = labels.get(i, j) + 0.0; // -0.0 and 0.0 are one group
            }
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> test = new ArrayList<>();
        for (List<Integer> idx : groups.values()) {
            Collections.shuffle(idx, rng);
            int nTest = (int) Math.round(idx.size() * testFraction);
            test.addAll(idx.subList(0, nTest));
            train.addAll(idx.subList(nTest, idx.size()));
        }
        return of(data, train, test, rng, groups.size() + " label group" + (groups.size() == 1 ? "" : "s")
                + ", each split by itself");
    }

    /**
     * A plain random split, for any labels (regression targets included): the samples are
     * shuffled with a {@link Random} seeded with {@code seed} and the first
     * {@code round(size × testFraction)} go to the test set.
     *
     * @param data the data set
     * @param testFraction the share of samples for the test set, in (0, 1)
     * @param seed the shuffling seed
     * @return the two parts
     * @throws IllegalArgumentException if the fraction is not in (0, 1), or a part would be empty
     */
    public static Split random(Dataset data, double testFraction, long seed) {
        Objects.requireNonNull(data, "data");
        requireFraction(testFraction);
        Random rng = new Random(seed);
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < data.size(); j++) {
            idx.add(j);
        }
        Collections.shuffle(idx, rng);
        int nTest = (int) Math.round(idx.size() * testFraction);
        return of(data, new ArrayList<>(idx.subList(nTest, idx.size())), new ArrayList<>(idx.subList(0, nTest)), null,
                "test fraction " + testFraction);
    }

    private static void requireFraction(double testFraction) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
        }
    }

    private static Split of(Dataset data, List<Integer> train, List<Integer> test, Random reshuffle, String how) {
        if (train.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException(data.source() + ": " + data.size()
                    + " samples are too few to split into a training and a test set (" + how + "; the "
                    + (train.isEmpty() ? "training" : "test") + " set would be empty)");
        }
        if (reshuffle != null) {
            Collections.shuffle(train, reshuffle);
            Collections.shuffle(test, reshuffle);
        }
        return new Split(
                data.select(train.stream().mapToInt(Integer::intValue).toArray(), data.source() + " (train)"),
                data.select(test.stream().mapToInt(Integer::intValue).toArray(), data.source() + " (test)"));
    }
}
