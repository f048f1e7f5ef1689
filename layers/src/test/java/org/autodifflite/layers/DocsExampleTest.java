package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.BinaryMetrics;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "build and train a model" example of docs/layers.md, run as written. */
class DocsExampleTest {

    @TempDir
    Path dir;

    @Test
    void theDocumentedExampleRuns() throws IOException {
        FraudData train = FraudData.generate(800, 1);
        FraudData test = FraudData.generate(400, 2);
        Tensor xTrain = train.x;
        Tensor yTrain = train.y;
        Tensor xTest = test.x;
        Tensor yTest = test.y;

        Sequential model = Sequential.builder(4).seed(1)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1, Initializer.xavier()).sigmoid()
                .loss(new BinaryCrossEntropy())
                .build();
        List<Double> lossPerEpoch = Trainer.of(model, new Adam(0.02))
                .epochs(40).batchSize(32).seed(4)
                .fit(xTrain, yTrain);
        Tensor scores = model.predictProbabilities(xTest);
        double auc = BinaryMetrics.rocAuc(scores, yTest);
        BinaryMetrics m = BinaryMetrics.at(scores, yTest, 0.5);
        Path file = dir.resolve("fraud-model.txt");
        ModelFile.save(model, file);
        Sequential again = (Sequential) ModelFile.load(file).model();
        ModelGraph mg = model.graph(xTest, yTest, true);
        CheckReport report = GradientChecker.defaults().subset(8).checkGraph(mg.graph(), mg.loss());

        System.out.printf("docs example: final loss %.4f, ROC-AUC %.4f, F1 %.4f, check %s%n",
                lossPerEpoch.get(lossPerEpoch.size() - 1), auc, m.f1(), report.summary());
        assertThat(auc).isGreaterThanOrEqualTo(0.95);
        assertThat(model.predict(xTest)).isEqualTo(scores);   // a model ending in a sigmoid predicts probabilities
        assertThat(again.predictProbabilities(xTest)).isEqualTo(scores);
        assertThat(report.passed()).as(report.render()).isTrue();
    }
}
