package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.MiniBatches;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.BinaryMetrics;
import org.autodifflite.layers.train.Sgd;
import org.autodifflite.layers.train.Trainer;
import org.autodifflite.layers.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** Training the seed's fraud network end to end, and refusing bad data. */
class TrainerTest {

    private static Sequential fraudNet(long seed) {
        return Sequential.builder(4).seed(seed)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1, Initializer.xavier()).sigmoid()
                .loss(new BinaryCrossEntropy())
                .build();
    }

    /** Measured ROC-AUC on the held-out set with these seeds: printed by the test, asserted ≥ 0.9. */
    @Test
    void trainsTheFraudNetworkToAHighRocAucOnHeldOutData() {
        FraudData train = FraudData.generate(800, 1);
        FraudData test = FraudData.generate(400, 2);
        Sequential model = fraudNet(3);
        double aucBefore = BinaryMetrics.rocAuc(model.predict(test.x), test.y);
        List<Double> losses = Trainer.of(model, new Adam(0.02)).epochs(40).batchSize(32).seed(4).fit(train.x, train.y);
        Tensor scores = model.predict(test.x);
        double auc = BinaryMetrics.rocAuc(scores, test.y);
        BinaryMetrics m = BinaryMetrics.at(scores, test.y, 0.5);
        System.out.printf("fraud net: loss %.4f → %.4f, held-out ROC-AUC %.4f (before training %.4f), %s%n",
                losses.get(0), losses.get(losses.size() - 1), auc, aucBefore, m);
        assertThat(losses).hasSize(40);
        assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
        assertThat(auc).isGreaterThanOrEqualTo(0.97);   // measured 0.9906
        assertThat(m.accuracy()).isGreaterThan(0.85);
    }

    @Test
    void sgdWithMomentumAlsoLearns() {
        FraudData train = FraudData.generate(400, 5);
        Sequential model = fraudNet(6);
        List<Double> losses = Trainer.of(model, new Sgd(0.1, 0.9)).epochs(15).batchSize(16).seed(1).fit(train.x, train.y);
        assertThat(losses.get(losses.size() - 1)).isLessThan(0.6 * losses.get(0));
    }

    @Test
    void theSameSeedsGiveTheSameRun() {
        FraudData train = FraudData.generate(100, 7);
        List<Double> a = Trainer.of(fraudNet(1), new Adam(0.01)).epochs(3).batchSize(10).seed(9).fit(train.x, train.y);
        List<Double> b = Trainer.of(fraudNet(1), new Adam(0.01)).epochs(3).batchSize(10).seed(9).fit(train.x, train.y);
        List<Double> c = Trainer.of(fraudNet(1), new Adam(0.01)).epochs(3).batchSize(10).seed(10).fit(train.x, train.y);
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void theListenerSeesEveryStepAndEpoch() {
        FraudData train = FraudData.generate(50, 7);
        List<TrainingListener.StepEvent> steps = new ArrayList<>();
        List<TrainingListener.EpochEvent> epochs = new ArrayList<>();
        List<Double> history = Trainer.of(fraudNet(1), new Sgd(0.05)).epochs(2).batchSize(16).seed(1)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepEvent e) {
                        steps.add(e);
                    }

                    @Override
                    public void onEpoch(EpochEvent e) {
                        epochs.add(e);
                    }
                }).fit(train.x, train.y);
        // 50 samples in batches of 16: 16, 16, 16, 2 → 4 steps per epoch.
        assertThat(steps).hasSize(8);
        assertThat(steps.get(3).model().input().value().cols()).isEqualTo(2);
        assertThat(steps.get(7).step()).isEqualTo(8);
        assertThat(steps.get(7).epoch()).isEqualTo(2);
        assertThat(steps.get(7).batch()).isEqualTo(3);
        assertThat(steps.get(0).loss()).isEqualTo(steps.get(0).model().lossValue());
        assertThat(epochs).extracting(TrainingListener.EpochEvent::loss).containsExactlyElementsOf(history);
        double weighted = 0;
        for (int k = 0; k < 4; k++) {
            weighted += steps.get(k).loss() * steps.get(k).model().input().value().cols();
        }
        assertThat(history.get(0)).isCloseTo(weighted / 50, org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void nanInTheDataStopsTrainingNamingTheBatchAndLeavesParametersAsAfterTheLastGoodStep() {
        FraudData data = FraudData.generate(64, 3);
        data.x.set(2, 37, Double.NaN);
        Sequential model = fraudNet(2);
        List<Tensor> lastGood = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            lastGood.add(p.value().copy());
        }
        TrainingListener snapshot = new TrainingListener() {
            @Override
            public void onStep(StepEvent e) {
                for (int k = 0; k < lastGood.size(); k++) {
                    lastGood.get(k).copyFrom(model.parameters().get(k).value());
                }
            }
        };
        assertThatThrownBy(() -> Trainer.of(model, new Adam(0.01)).epochs(2).batchSize(8).seed(1)
                .listener(snapshot).fit(data.x, data.y))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("epoch 1, batch ")
                .hasMessageContaining("X has NaN or infinite values in samples [37] (indices in the full data set)")
                .hasMessageContaining("no parameter was changed");
        for (int k = 0; k < lastGood.size(); k++) {
            Tensor v = model.parameters().get(k).value();
            assertThat(v.isFinite()).isTrue();
            assertThat(v).isEqualTo(lastGood.get(k));
        }
    }

    @Test
    void shapesThatDoNotFitTheModelAreRejected() {
        Trainer t = Trainer.of(fraudNet(1), new Sgd(0.1));
        assertThatThrownBy(() -> t.fit(Tensor.zeros(3, 10), Tensor.zeros(1, 10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3×10").hasMessageContaining("4 × n");
        assertThatThrownBy(() -> t.fit(Tensor.zeros(4, 10), Tensor.zeros(1, 9)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1×9");
        assertThatThrownBy(() -> t.epochs(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> t.batchSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void miniBatchesCoverEverySampleOnceInASeededOrder() {
        List<int[]> a = MiniBatches.shuffled(10, 4, new org.apache.commons.math3.random.Well19937c(1));
        List<int[]> b = MiniBatches.shuffled(10, 4, new org.apache.commons.math3.random.Well19937c(1));
        assertThat(a).hasSize(3);
        assertThat(a.get(2)).hasSize(2);
        boolean[] seen = new boolean[10];
        for (int[] batch : a) {
            for (int i : batch) {
                assertThat(seen[i]).isFalse();
                seen[i] = true;
            }
        }
        assertThat(seen).containsOnly(true);
        for (int k = 0; k < 3; k++) {
            assertThat(a.get(k)).isEqualTo(b.get(k));
        }
    }
}
