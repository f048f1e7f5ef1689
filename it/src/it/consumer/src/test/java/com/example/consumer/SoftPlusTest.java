package com.example.consumer;

import static org.autodifflite.check.GradientAssertions.assertGradientsCorrect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.Dataset;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.ops.Linear;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user writes: the README's one-line gradient assertion, on a custom op and a library op. */
class SoftPlusTest {

    @Test
    void softPlusHasTheRightGradients() {
        assertGradientsCorrect(new SoftPlus(), Tensor.randn(4, 3, 1));
    }

    /** SoftPlus with a classic mistake: eˣ instead of the sigmoid in backward. */
    static final class WrongSoftPlus implements Op {
        @Override
        public String name() {
            return "WrongSoftPlus";
        }

        @Override
        public Tensor forward(Tensor... inputs) {
            return new SoftPlus().forward(inputs);
        }

        @Override
        public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
            return new Tensor[] {gradOutput.multiply(inputs[0].map(Math::exp))};
        }
    }

    @Test
    void aWrongBackwardFailsTheAssertionAndTheMessageSaysWhere() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> assertGradientsCorrect(new WrongSoftPlus(), Tensor.randn(4, 3, 1)));
        assertTrue(e.getMessage().startsWith("gradients are wrong:"), e.getMessage());
        assertTrue(e.getMessage().contains("FAIL"), e.getMessage());
    }

    @Test
    void theLibrarysOwnOpsAndDataPathAreThere(@TempDir Path dir) throws Exception {
        assertGradientsCorrect(new Linear(), Tensor.randn(4, 3, 1), Tensor.randn(5, 4, 2), Tensor.randn(5, 1, 3));
        Path csv = dir.resolve("tiny.csv");
        Files.writeString(csv, "a,b,label\n1,10,0\n2,20,1\n3,30,0\n");
        Dataset data = Dataset.readCsv(csv, "label");
        Dataset scaled = Standardizer.fit(data).transform(data);
        assertEquals(2, scaled.featureCount());
        assertEquals(0.0, scaled.features().get(0, 1), 1e-12);
    }
}
