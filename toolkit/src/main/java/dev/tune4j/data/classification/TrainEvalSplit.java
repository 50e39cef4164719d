package dev.tune4j.data.classification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A deterministic, seeded train/eval split of a {@link ClassificationDataset}: the same dataset, counts and seed give
 * the same split on every JVM ({@link java.util.Random} is specified bit for bit).
 *
 * <p><b>Stratified</b> (the default): each class's examples are shuffled, and each part gets a share of every class
 * proportional to its frequency (largest-remainder rounding, ties to the lower class id), so both parts keep the
 * class balance. <b>Not stratified</b>: one shuffle of all examples, eval takes the first ones, train the next. Either
 * way the two parts are disjoint and shuffled, and they keep the parent's label list.
 *
 * @param train the training part
 * @param eval the evaluation part
 */
public record TrainEvalSplit(ClassificationDataset train, ClassificationDataset eval) {

    /**
     * Splits {@code dataset}, taking {@code trainCount} and {@code evalCount} examples (a subsample when their sum is
     * below the dataset size).
     *
     * @throws IllegalArgumentException if the counts are negative or exceed the dataset
     */
    public static TrainEvalSplit of(ClassificationDataset dataset, int trainCount, int evalCount, long seed,
            boolean stratified) {
        if (trainCount < 1 || evalCount < 0 || (long) trainCount + evalCount > dataset.size()) {
            throw new IllegalArgumentException("cannot take " + trainCount + " train and " + evalCount
                    + " eval examples from " + dataset.size() + " in " + dataset.source());
        }
        Random random = new Random(seed);
        List<TextExample> train = new ArrayList<>();
        List<TextExample> eval = new ArrayList<>();
        if (stratified) {
            List<List<TextExample>> byClass = new ArrayList<>();
            dataset.labels().forEach(label -> byClass.add(new ArrayList<>()));
            dataset.examples().forEach(example -> byClass.get(dataset.labelId(example.label())).add(example));
            int[] classSizes = byClass.stream().mapToInt(List::size).toArray();
            int[] evalQuota = apportion(evalCount, classSizes);
            int[] remaining = new int[classSizes.length];
            for (int c = 0; c < classSizes.length; c++) {
                remaining[c] = classSizes[c] - evalQuota[c];
            }
            int[] trainQuota = apportion(trainCount, remaining);
            for (int c = 0; c < byClass.size(); c++) {
                List<TextExample> shuffled = byClass.get(c);
                Collections.shuffle(shuffled, random);
                eval.addAll(shuffled.subList(0, evalQuota[c]));
                train.addAll(shuffled.subList(evalQuota[c], evalQuota[c] + trainQuota[c]));
            }
            Collections.shuffle(train, random);
            Collections.shuffle(eval, random);
        } else {
            List<TextExample> shuffled = new ArrayList<>(dataset.examples());
            Collections.shuffle(shuffled, random);
            eval.addAll(shuffled.subList(0, evalCount));
            train.addAll(shuffled.subList(evalCount, evalCount + trainCount));
        }
        return new TrainEvalSplit(
                new ClassificationDataset(dataset.source() + " [train]", train, dataset.labels(), 0),
                new ClassificationDataset(dataset.source() + " [eval]", eval, dataset.labels(), 0));
    }

    /** Splits all of {@code dataset}, {@code evalFraction} of it for eval (rounded, at least 1). */
    public static TrainEvalSplit byFraction(ClassificationDataset dataset, double evalFraction, long seed,
            boolean stratified) {
        if (!(evalFraction > 0 && evalFraction < 1)) {
            throw new IllegalArgumentException("eval fraction must be in (0, 1), got " + evalFraction);
        }
        int evalCount = Math.max(1, (int) Math.round(dataset.size() * evalFraction));
        return of(dataset, dataset.size() - evalCount, evalCount, seed, stratified);
    }

    /** Two lines with both parts' class balance. */
    public String balance() {
        return "train " + train.balance() + "\neval  " + eval.balance();
    }

    /**
     * Splits {@code total} among classes in proportion to {@code sizes}, never more than a class has: floors
     * first, then the largest remainders (lower class id first on ties).
     */
    static int[] apportion(int total, int[] sizes) {
        long all = 0;
        for (int size : sizes) {
            all += size;
        }
        int[] quota = new int[sizes.length];
        double[] remainder = new double[sizes.length];
        int given = 0;
        for (int c = 0; c < sizes.length; c++) {
            double exact = all == 0 ? 0 : (double) total * sizes[c] / all;
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        while (given < total) {
            int best = -1;
            for (int c = 0; c < sizes.length; c++) {
                if (quota[c] < sizes[c] && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            given++;
        }
        return quota;
    }
}
