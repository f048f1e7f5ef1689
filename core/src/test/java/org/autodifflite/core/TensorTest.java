package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class TensorTest {

    private static final Tensor A = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});

    @Test
    void factoriesBuildTheShapesAndValuesAsked() {
        assertThat(Tensor.zeros(2, 3).data()).containsExactly(0, 0, 0, 0, 0, 0);
        assertThat(Tensor.ones(1, 2).data()).containsExactly(1, 1);
        assertThat(Tensor.filled(2, 1, 7.5).data()).containsExactly(7.5, 7.5);
        assertThat(Tensor.scalar(3).item()).isEqualTo(3.0);
        assertThat(Tensor.column(1, 2).shape()).isEqualTo("2×1");
        assertThat(Tensor.row(1, 2).shape()).isEqualTo("1×2");
        assertThat(A.get(1, 2)).isEqualTo(6.0);
        assertThat(A.get(4)).isEqualTo(5.0);
        assertThat(A.toArray()).isEqualTo(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(Tensor.wrap(1, 2, new double[] {8, 9}).get(0, 1)).isEqualTo(9.0);
    }

    @Test
    void ofCopiesItsInputAndWrapDoesNot() {
        double[][] rows = {{1, 2}};
        Tensor t = Tensor.of(rows);
        rows[0][0] = 99;
        assertThat(t.get(0, 0)).isEqualTo(1.0);
        double[] raw = {1, 2};
        Tensor w = Tensor.wrap(1, 2, raw);
        raw[0] = 99;
        assertThat(w.get(0, 0)).isEqualTo(99.0);
    }

    @Test
    void seededRandomTensorsRepeat() {
        assertThat(Tensor.randn(3, 4, 42L)).isEqualTo(Tensor.randn(3, 4, 42L));
        assertThat(Tensor.randn(3, 4, 42L)).isNotEqualTo(Tensor.randn(3, 4, 43L));
        Tensor u = Tensor.uniform(10, 10, -2, 3, new Well19937c(1));
        for (double v : u.data()) {
            assertThat(v).isGreaterThanOrEqualTo(-2).isLessThan(3);
        }
    }

    @Test
    void seededRandomTensorsAreThoseOfAFreshGenerator() {
        // The seeded factories reuse one generator per thread: after any earlier draw (an odd
        // count leaves a Gaussian cached in it), a seed still gives what a new generator gives.
        Tensor.randn(new int[] {3}, 5L);
        for (long seed : new long[] {0L, 42L, -7L, Long.MAX_VALUE}) {
            Well19937c fresh = new Well19937c(seed);
            double[] want = new double[7];
            for (int k = 0; k < want.length; k++) {
                want[k] = fresh.nextGaussian();
            }
            assertThat(Tensor.randn(new int[] {7}, seed).data()).containsExactly(want);
            assertThat(Tensor.randn(1, 7, seed).data()).containsExactly(want);
        }
    }

    @Test
    void matmulMatchesHandComputedProduct() {
        Tensor b = Tensor.of(new double[][] {{7, 8}, {9, 10}, {11, 12}});
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        assertThat(A.matmul(b)).isEqualTo(Tensor.of(new double[][] {{58, 64}, {139, 154}}));
    }

    @Test
    void matmulPropagatesNonFiniteValuesLikeIeee() {
        Tensor zeroRow = Tensor.of(new double[][] {{0, 1}});
        Tensor inf = Tensor.of(new double[][] {{Double.POSITIVE_INFINITY}, {1}});
        assertThat(zeroRow.matmul(inf).item()).isNaN();
    }

    @Test
    void transposeSwapsRowsAndColumns() {
        assertThat(A.transpose()).isEqualTo(Tensor.of(new double[][] {{1, 4}, {2, 5}, {3, 6}}));
        assertThat(A.transpose().transpose()).isEqualTo(A);
    }

    @Test
    void elementwiseArithmetic() {
        Tensor b = Tensor.of(new double[][] {{2, 2, 2}, {1, 5, 3}});
        assertThat(A.add(b).data()).containsExactly(3, 4, 5, 5, 10, 9);
        assertThat(A.subtract(b).data()).containsExactly(-1, 0, 1, 3, 0, 3);
        assertThat(A.multiply(b).data()).containsExactly(2, 4, 6, 4, 25, 18);
        assertThat(A.divide(b).data()).containsExactly(0.5, 1, 1.5, 4, 1, 2);
        assertThat(A.scale(-2).data()).containsExactly(-2, -4, -6, -8, -10, -12);
        assertThat(A.map(v -> v * v).data()).containsExactly(1, 4, 9, 16, 25, 36);
        assertThat(A.zip("max", b, Math::max).data()).containsExactly(2, 2, 3, 4, 5, 6);
    }

    @Test
    void broadcastingAColumnARowAndAScalar() {
        Tensor col = Tensor.column(10, 20);
        Tensor row = Tensor.row(1, 0, -1);
        assertThat(A.add(col).data()).containsExactly(11, 12, 13, 24, 25, 26);
        assertThat(col.add(A).data()).containsExactly(11, 12, 13, 24, 25, 26);
        assertThat(A.multiply(row).data()).containsExactly(1, 0, -3, 4, 0, -6);
        assertThat(A.subtract(Tensor.scalar(1)).data()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(Tensor.scalar(12).divide(A).data()).containsExactly(12, 6, 4, 3, 2.4, 2);
        // column × row is an outer product
        assertThat(col.multiply(row)).isEqualTo(Tensor.of(new double[][] {{10, 0, -10}, {20, 0, -20}}));
    }

    @Test
    void reductions() {
        assertThat(A.sum()).isEqualTo(21.0);
        assertThat(A.sumRows()).isEqualTo(Tensor.column(6, 15));
        assertThat(A.sumCols()).isEqualTo(Tensor.row(5, 7, 9));
        assertThat(A.dot(A)).isEqualTo(91.0);
        assertThat(Tensor.row(3, 4).norm()).isEqualTo(5.0);
        assertThat(Tensor.row(-7, 2).maxAbs()).isEqualTo(7.0);
        assertThat(Tensor.row(1, Double.NaN).maxAbs()).isNaN();
        assertThat(A.isFinite()).isTrue();
        assertThat(Tensor.row(1, Double.NEGATIVE_INFINITY).isFinite()).isFalse();
    }

    @Test
    void selectColumnsCutsABatch() {
        assertThat(A.selectColumns(2, 0)).isEqualTo(Tensor.of(new double[][] {{3, 1}, {6, 4}}));
        assertThatThrownBy(() -> A.selectColumns(3))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("column 3");
    }

    @Test
    void inPlaceUpdatesChangeOnlyTheReceiver() {
        Tensor t = A.copy();
        Tensor other = Tensor.ones(2, 3);
        t.addInPlace(other);
        assertThat(t.data()).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(other.data()).containsExactly(1, 1, 1, 1, 1, 1);
        assertThat(A.data()).containsExactly(1, 2, 3, 4, 5, 6);
        t.copyFrom(A);
        assertThat(t).isEqualTo(A);
        t.set(0, 1, -1);
        t.set(5, -5);
        assertThat(t.data()).containsExactly(1, -1, 3, 4, 5, -5);
        t.fill(0);
        assertThat(t).isEqualTo(Tensor.zeros(2, 3));
    }

    @Test
    void arithmeticNeverModifiesOperands() {
        Tensor a = A.copy();
        Tensor b = Tensor.column(1, 2);
        a.add(b);
        a.multiply(b);
        a.scale(3);
        a.map(Math::exp);
        a.transpose();
        a.matmul(Tensor.ones(3, 1));
        assertThat(a).isEqualTo(A);
        assertThat(b).isEqualTo(Tensor.column(1, 2));
    }

    @Test
    void approximateAndExactEquality() {
        Tensor b = A.add(Tensor.scalar(1e-10));
        assertThat(A.approxEquals(b, 1e-9)).isTrue();
        assertThat(A.approxEquals(b, 1e-12)).isFalse();
        assertThat(A.approxEquals(A.transpose(), 1)).isFalse();
        assertThat(Tensor.row(Double.NaN).approxEquals(Tensor.row(Double.NaN), 1)).isFalse();
        assertThat(Tensor.row(Double.NaN)).isEqualTo(Tensor.row(Double.NaN));
        assertThat(Tensor.row(0.0)).isNotEqualTo(Tensor.row(-0.0));
        assertThat(A.hashCode()).isEqualTo(A.copy().hashCode());
        // relative for large values
        assertThat(Tensor.scalar(1e12).approxEquals(Tensor.scalar(1e12 + 1), 1e-9)).isTrue();
    }

    @Test
    void toStringShowsShapeAndValuesAndElidesLargeTensors() {
        assertThat(A.toString()).isEqualTo("Tensor 2×3 [[1.0, 2.0, 3.0]\n  [4.0, 5.0, 6.0]]");
        String big = Tensor.zeros(10, 10).toString();
        assertThat(big).startsWith("Tensor 10×10").contains("...");
        assertThat(big.split("\n")).hasSize(7);
    }

    @Test
    void shapeErrorsNameTheOperationAndBothShapes() {
        Tensor b = Tensor.zeros(3, 2);
        assertThatThrownBy(() -> A.add(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining("2×3").hasMessageContaining("3×2");
        assertThatThrownBy(() -> A.subtract(Tensor.column(1, 2, 3)))
                .hasMessageContaining("subtract: shapes 2×3 and 3×1 do not broadcast");
        assertThatThrownBy(() -> A.multiply(Tensor.row(1, 2)))
                .hasMessageContaining("multiply: shapes 2×3 and 1×2");
        assertThatThrownBy(() -> A.divide(b)).hasMessageContaining("divide: shapes 2×3 and 3×2");
        assertThatThrownBy(() -> A.matmul(A)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("matmul: shapes 2×3 and 2×3 do not chain");
        assertThatThrownBy(() -> A.dot(b)).hasMessageContaining("dot: shapes 2×3 and 3×2");
        assertThatThrownBy(() -> A.copy().addInPlace(b)).hasMessageContaining("addInPlace: shapes 2×3 and 3×2");
        assertThatThrownBy(() -> A.copy().copyFrom(b)).hasMessageContaining("copyFrom: shapes 2×3 and 3×2");
        assertThatThrownBy(() -> Tensor.of(new double[][] {{1, 2}, {3}}))
                .hasMessageContaining("row 1 has 1 values but row 0 has 2");
        assertThatThrownBy(() -> Tensor.wrap(2, 2, new double[3])).hasMessageContaining("2×2 needs 4 values, got 3");
        assertThatThrownBy(() -> Tensor.zeros(-1, 2)).hasMessageContaining("-1×2");
        assertThatThrownBy(() -> Tensor.uniform(1, 1, 2, 1, new Well19937c(1))).hasMessageContaining("low < high");
        assertThatThrownBy(A::item).isInstanceOf(IllegalStateException.class).hasMessageContaining("2×3");
        assertThatThrownBy(() -> A.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("(2, 0) is outside a tensor of shape 2×3");
    }
}
