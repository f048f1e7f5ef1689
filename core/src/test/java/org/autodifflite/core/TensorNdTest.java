package org.autodifflite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The N-dimensional tensor: hand-computed small cases, NumPy's semantics checked against naive
 * reference loops written with nothing but {@link Tensor#at} and {@link Tensor#unravel}, the
 * adjoint pairs a backward pass relies on, and every error message.
 */
class TensorNdTest {

    /** 0, 1, …, 23 as 2×3×4. */
    private static final Tensor T234 = Tensor.arange(24).reshape(2, 3, 4);

    private static Tensor randn(long seed, int... dims) {
        return Tensor.randn(dims, seed);
    }

    /** Integer-valued random entries in [−5, 5]: sums of them are exact in any order. */
    private static Tensor ints(long seed, int... dims) {
        return Tensor.randn(dims, seed).map(v -> Math.rint(2 * v) + 0.0); // + 0.0: no −0.0
    }

    private static int[] dims(int... d) {
        return d;
    }

    // ------------------------------------------------------------------ factories

    @Nested
    class Factories {

        @Test
        void wrapKeepsTheArrayButCopiesTheShape() {
            double[] raw = {1, 2, 3, 4, 5, 6};
            int[] shape = {3, 1, 2};
            Tensor t = Tensor.wrap(shape, raw);
            raw[5] = 60;
            shape[0] = 99;
            assertThat(t.shape()).isEqualTo("3×1×2");
            assertThat(t.at(2, 0, 1)).isEqualTo(60.0);
            assertThat(Tensor.wrap(new int[0], new double[] {4}).item()).isEqualTo(4.0);
        }

        @Test
        void wrapRejectsAMismatchedArrayAndNegativeDimensions() {
            assertThatThrownBy(() -> Tensor.wrap(dims(2, 3, 4), new double[23]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("wrap: shape 2×3×4 needs 24 values, got 23");
            assertThatThrownBy(() -> Tensor.wrap(dims(2, -1), new double[0]))
                    .hasMessage("wrap: dimensions must be ≥ 0, got 2×-1");
            assertThatThrownBy(() -> Tensor.wrap(dims(), new double[0]))
                    .hasMessage("wrap: shape () needs 1 values, got 0");
        }

        @Test
        void scalarIsRankZeroAndVectorIsRankOne() {
            Tensor s = Tensor.scalar(2.5);
            assertThat(s.rank()).isZero();
            assertThat(s.dims()).isEmpty();
            assertThat(s.shape()).isEqualTo("()");
            assertThat(s.size()).isEqualTo(1);
            assertThat(s.at()).isEqualTo(2.5);
            double[] values = {1, 2, 3};
            Tensor v = Tensor.vector(values);
            values[0] = 9;
            assertThat(v.rank()).isEqualTo(1);
            assertThat(v.shape()).isEqualTo("(3)");
            assertThat(v.data()).containsExactly(1, 2, 3);
        }

        @Test
        void zerosOnesAndFullMakeAnyRank() {
            assertThat(Tensor.zeros().shape()).isEqualTo("()");
            assertThat(Tensor.zeros().item()).isEqualTo(0.0);
            assertThat(Tensor.zeros(4).shape()).isEqualTo("(4)");
            Tensor z5 = Tensor.zeros(2, 1, 3, 1, 2);
            assertThat(z5.rank()).isEqualTo(5);
            assertThat(z5.size()).isEqualTo(12);
            assertThat(z5.data()).containsOnly(0.0);
            assertThat(Tensor.ones(2, 2, 2).data()).hasSize(8).containsOnly(1.0);
            assertThat(Tensor.full(-3, 3, 1).data()).containsExactly(-3, -3, -3);
            assertThat(Tensor.full(7).shape()).isEqualTo("()");
            assertThat(Tensor.zeros(0, 5).size()).isZero();
        }

        @Test
        void likeFactoriesCopyTheShape() {
            assertThat(Tensor.zerosLike(T234)).isEqualTo(Tensor.zeros(2, 3, 4));
            assertThat(Tensor.onesLike(T234)).isEqualTo(Tensor.ones(2, 3, 4));
            assertThat(Tensor.fullLike(Tensor.scalar(1), 5)).isEqualTo(Tensor.scalar(5));
            assertThat(Tensor.fullLike(T234, 0.5).dims()).containsExactly(2, 3, 4);
        }

        @Test
        void badShapesAreNamedInEveryFactory() {
            assertThatThrownBy(() -> Tensor.zeros(2, -1, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("zeros: dimensions must be ≥ 0, got 2×-1×3");
            assertThatThrownBy(() -> Tensor.ones(-2)).hasMessage("ones: dimensions must be ≥ 0, got (-2)");
            assertThatThrownBy(() -> Tensor.full(1, 65536, 65536)).hasMessage("full: shape 65536×65536 is too large");
            assertThatThrownBy(() -> Tensor.randn(dims(-1, 1, 1), 1L))
                    .hasMessage("randn: dimensions must be ≥ 0, got -1×1×1");
            assertThatThrownBy(() -> Tensor.uniform(dims(2, 2), 1, 1, new Well19937c(1)))
                    .hasMessage("uniform: need low < high, got low=1.0, high=1.0");
            assertThatThrownBy(() -> Tensor.arange(-1)).hasMessage("arange: dimensions must be ≥ 0, got (-1)");
        }

        @Test
        void randomTensorsDrawInRowMajorOrderLikeTheMatrixFactories() {
            assertThat(Tensor.randn(dims(3, 4), 42L).data()).isEqualTo(Tensor.randn(3, 4, 42L).data());
            assertThat(Tensor.randn(dims(3, 4), 42L)).isEqualTo(Tensor.randn(3, 4, 42L));
            Tensor r = Tensor.randn(dims(2, 3, 2), new Well19937c(9));
            Well19937c again = new Well19937c(9);
            for (int i = 0; i < r.size(); i++) {
                assertThat(r.get(i)).isEqualTo(again.nextGaussian());
            }
            Tensor u = Tensor.uniform(dims(4, 5), -1, 2, new Well19937c(3));
            assertThat(u.data()).isEqualTo(Tensor.uniform(4, 5, -1, 2, new Well19937c(3)).data());
            for (double v : u.data()) {
                assertThat(v).isGreaterThanOrEqualTo(-1).isLessThan(2);
            }
            assertThat(Tensor.randn(dims(2, 2), 1L)).isNotEqualTo(Tensor.randn(dims(2, 2), 2L));
        }

        @Test
        void arangeCountsFromZero() {
            assertThat(Tensor.arange(4)).isEqualTo(Tensor.vector(0, 1, 2, 3));
            assertThat(Tensor.arange(0).shape()).isEqualTo("(0)");
        }
    }

    // ------------------------------------------------------------------ shape queries and entries

    @Nested
    class ShapeAndEntries {

        @Test
        void shapeQueries() {
            assertThat(T234.rank()).isEqualTo(3);
            assertThat(T234.dim(0)).isEqualTo(2);
            assertThat(T234.dim(-1)).isEqualTo(4);
            assertThat(T234.dim(-3)).isEqualTo(2);
            assertThat(T234.size()).isEqualTo(24);
            int[] d = T234.dims();
            d[0] = 7;
            assertThat(T234.dims()).containsExactly(2, 3, 4);
            assertThat(Tensor.shape(2, 3, 4)).isEqualTo("2×3×4");
            assertThat(Tensor.shape(3, 4)).isEqualTo("3×4");
            assertThat(Tensor.shape(5)).isEqualTo("(5)");
            assertThat(Tensor.shape(new int[0])).isEqualTo("()");
        }

        @Test
        void axisErrorsNameTheAxisTheShapeAndTheRange() {
            assertThatThrownBy(() -> Tensor.zeros(2, 3).dim(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("dim: axis 2 is out of range for a 2×3 tensor (rank 2): use −2 … 1");
            assertThatThrownBy(() -> Tensor.zeros(2, 3).dim(-3))
                    .hasMessage("dim: axis -3 is out of range for a 2×3 tensor (rank 2): use −2 … 1");
            assertThatThrownBy(() -> Tensor.scalar(1).dim(0))
                    .hasMessage("dim: axis 0 is out of range for a () tensor (rank 0): it has no axes");
        }

        @Test
        void sameShapeComparesRankAndAxes() {
            assertThat(Tensor.zeros(2, 3).sameShape(Tensor.ones(2, 3))).isTrue();
            assertThat(Tensor.zeros(6).sameShape(Tensor.zeros(1, 6))).isFalse();
            assertThat(Tensor.scalar(1).sameShape(Tensor.zeros(1, 1))).isFalse();
        }

        @Test
        void isScalarAndItemMeanOneEntryWhateverTheRank() {
            for (Tensor t : new Tensor[] {Tensor.scalar(3), Tensor.vector(3), Tensor.filled(1, 1, 3),
                    Tensor.full(3, 1, 1, 1)}) {
                assertThat(t.isScalar()).as(t.shape()).isTrue();
                assertThat(t.item()).as(t.shape()).isEqualTo(3.0);
            }
            assertThat(Tensor.vector(1, 2).isScalar()).isFalse();
            assertThat(Tensor.zeros(0).isScalar()).isFalse();
            assertThatThrownBy(() -> Tensor.zeros(1, 2, 1).item()).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("item: tensor is 1×2×1, not a scalar");
        }

        @Test
        void indexTuplesAddressRowMajorEntries() {
            assertThat(T234.at(0, 0, 0)).isEqualTo(0.0);
            assertThat(T234.at(1, 2, 3)).isEqualTo(23.0);
            assertThat(T234.at(1, 0, 2)).isEqualTo(14.0);
            assertThat(T234.flatIndex(1, 0, 2)).isEqualTo(14);
            assertThat(T234.unravel(14)).containsExactly(1, 0, 2);
            for (int f = 0; f < 24; f++) {
                assertThat(T234.flatIndex(T234.unravel(f))).isEqualTo(f);
            }
            Tensor t = Tensor.zeros(2, 1, 3, 1, 2);
            t.setAt(5, 1, 0, 2, 0, 1);
            assertThat(t.get(t.size() - 1)).isEqualTo(5.0);
            assertThat(t.at(1, 0, 2, 0, 1)).isEqualTo(5.0);
            Tensor s = Tensor.scalar(1);
            s.setAt(8);
            assertThat(s.item()).isEqualTo(8.0);
            assertThat(s.unravel(0)).isEmpty();
        }

        @Test
        void indexErrorsNameTheTupleAndTheShape() {
            assertThatThrownBy(() -> T234.at(1, 3, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("at: index (1, 3, 0) is outside a tensor of shape 2×3×4: axis 1 has size 3");
            assertThatThrownBy(() -> T234.copy().setAt(1, 0, 0, -1)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("setAt: index (0, 0, -1) is outside a tensor of shape 2×3×4: axis 2 has size 4");
            assertThatThrownBy(() -> T234.at(1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("at: index (1) has 1 entry but the tensor is 2×3×4 (rank 3); give one index per axis");
            assertThatThrownBy(() -> T234.flatIndex(0, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("flatIndex: index (0, 0) has 2 entries but the tensor is 2×3×4 (rank 3);"
                            + " give one index per axis");
            assertThatThrownBy(() -> T234.unravel(24)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("unravel: flat index 24 is outside a tensor of shape 2×3×4 (24 entries)");
            assertThatThrownBy(() -> T234.unravel(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }

        @Test
        void matrixOnlyMethodsSayWhatToUseInstead() {
            Tensor t = Tensor.zeros(2, 3, 4);
            Tensor v = Tensor.zeros(5);
            assertThatThrownBy(t::rows).isInstanceOf(IllegalStateException.class)
                    .hasMessage("rows() needs a 2-D tensor, this one is 2×3×4; use dim(axis)");
            assertThatThrownBy(v::cols).isInstanceOf(IllegalStateException.class)
                    .hasMessage("cols() needs a 2-D tensor, this one is (5); use dim(axis)");
            assertThatThrownBy(() -> t.get(0, 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("get(row, col) needs a 2-D tensor, this one is 2×3×4; use at(index...)");
            assertThatThrownBy(() -> v.set(0, 0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("set(row, col, value) needs a 2-D tensor, this one is (5); use at(index...)");
            assertThatThrownBy(t::toArray).isInstanceOf(IllegalStateException.class)
                    .hasMessage("toArray() needs a 2-D tensor, this one is 2×3×4; use data(), or reshape(rows, cols)"
                            + " first");
            assertThatThrownBy(() -> t.transpose()).isInstanceOf(IllegalStateException.class)
                    .hasMessage("transpose() needs a 2-D tensor, this one is 2×3×4; use transpose(axisA, axisB)"
                            + " or permute(axes)");
            assertThatThrownBy(t::sumRows).isInstanceOf(IllegalStateException.class)
                    .hasMessage("sumRows() needs a 2-D tensor, this one is 2×3×4; use sum(new int[] {-1}, true)");
            assertThatThrownBy(v::sumCols).isInstanceOf(IllegalStateException.class)
                    .hasMessage("sumCols() needs a 2-D tensor, this one is (5); use sum(new int[] {0}, true)");
            assertThatThrownBy(() -> Tensor.scalar(1).selectColumns(0)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("selectColumns needs a 2-D tensor, this one is (); use indexSelect(axis, indices)");
            Tensor m = Tensor.zeros(2, 2);
            assertThatThrownBy(() -> t.matmulInto(m, m.copy())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("matmulInto needs 2-D tensors, got 2×3×4 · 2×2 into 2×2; use matmul for batched"
                            + " products");
            assertThatThrownBy(() -> m.matmulRegionInto(m, Tensor.zeros(1, 2, 2), 0, 1, 0, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("matmulRegionInto needs 2-D tensors, got 2×2 · 2×2 into 1×2×2");
        }
    }

    // ------------------------------------------------------------------ broadcasting

    /** The reference: each output entry from the operands' entries, axes of length 1 repeated. */
    private static Tensor naiveZip(Tensor a, Tensor b, java.util.function.DoubleBinaryOperator op) {
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.rank()) < 0 ? 1 : a.dim(i - (r - a.rank()));
            int db = i - (r - b.rank()) < 0 ? 1 : b.dim(i - (r - b.rank()));
            out[i] = Math.max(da, db) == 0 || Math.min(da, db) == 0 ? 0 : Math.max(da, db);
        }
        Tensor res = Tensor.zeros(out);
        for (int f = 0; f < res.size(); f++) {
            int[] idx = res.unravel(f);
            res.set(f, op.applyAsDouble(a.at(project(idx, a)), b.at(project(idx, b))));
        }
        return res;
    }

    private static int[] project(int[] idx, Tensor t) {
        int[] p = new int[t.rank()];
        int off = idx.length - t.rank();
        for (int i = 0; i < p.length; i++) {
            p[i] = t.dim(i) == 1 ? 0 : idx[off + i];
        }
        return p;
    }

    @Nested
    class Broadcasting {

        @Test
        void numpysExample213Plus41Gives243() {
            Tensor a = Tensor.arange(6).reshape(2, 1, 3);
            Tensor b = Tensor.arange(4).reshape(4, 1).scale(10);
            Tensor c = a.add(b);
            assertThat(c.shape()).isEqualTo("2×4×3");
            assertThat(Tensor.broadcastShape("add", a.dims(), b.dims())).containsExactly(2, 4, 3);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 4; j++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat(c.at(i, j, k)).isEqualTo(3 * i + k + 10 * j);
                    }
                }
            }
            assertThat(b.add(a)).isEqualTo(c);
        }

        @Test
        void handComputedCasesAcrossRanks() {
            Tensor m = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
            assertThat(m.add(Tensor.vector(10, 20, 30))).isEqualTo(Tensor.of(new double[][] {{11, 22, 33}, {14, 25, 36}}));
            assertThat(m.multiply(Tensor.scalar(2))).isEqualTo(m.scale(2));
            assertThat(Tensor.scalar(1).subtract(m)).isEqualTo(Tensor.of(new double[][] {{0, -1, -2}, {-3, -4, -5}}));
            assertThat(Tensor.scalar(6).divide(Tensor.scalar(4))).isEqualTo(Tensor.scalar(1.5));
            // an outer product of (2,3,1) and (1,1,2)
            Tensor outer = Tensor.arange(6).reshape(2, 3, 1).multiply(Tensor.vector(1, -1).reshape(1, 1, 2));
            assertThat(outer.shape()).isEqualTo("2×3×2");
            assertThat(outer.data()).containsExactly(0, -0.0, 1, -1, 2, -2, 3, -3, 4, -4, 5, -5);
            assertThat(Tensor.vector(1, 5, 3).minimum(Tensor.scalar(2))).isEqualTo(Tensor.vector(1, 2, 2));
            assertThat(Tensor.vector(1, 5, 3).maximum(Tensor.column(2, 4)))
                    .isEqualTo(Tensor.of(new double[][] {{2, 5, 3}, {4, 5, 4}}));
            assertThat(Tensor.vector(1, Double.NaN).maximum(Tensor.scalar(0)).get(1)).isNaN();
            assertThat(Tensor.vector(1, Double.NaN).minimum(Tensor.scalar(0)).get(1)).isNaN();
            assertThat(m.zip("pow", Tensor.column(2, 0), Math::pow))
                    .isEqualTo(Tensor.of(new double[][] {{1, 4, 9}, {1, 1, 1}}));
        }

        @ParameterizedTest(name = "{0} with {1}")
        @CsvSource(delimiter = ';', value = {
            "2,3,4; 2,3,4", "2,3,4; 4", "2,3,4; 3,1", "2,3,4; 2,1,4", "2,1,4; 1,3,1", "5; 2,3,5",
            "1; 2,3", "2,3,4; ''", "2,1,3,1,2; 3,4,2", "1,1,1; 3,1,2", "3,1,5; 1,4,1", "2,3,4; 1,1,1",
            "4,1; 4,7", "1,7; 4,7", "0,3; 1,3", "2,1,3,1,2; 2,4,3,5,2"})
        void everyBroadcastMatchesTheNaiveLoopBitForBit(String left, String right) {
            int[] da = parse(left);
            int[] db = parse(right);
            Tensor a = randn(da.length * 31L + 7, da);
            Tensor b = randn(db.length * 17L + 3, db);
            assertThat(a.add(b)).isEqualTo(naiveZip(a, b, Double::sum));
            assertThat(b.subtract(a)).isEqualTo(naiveZip(b, a, (x, y) -> x - y));
            assertThat(a.multiply(b)).isEqualTo(naiveZip(a, b, (x, y) -> x * y));
            assertThat(b.divide(a)).isEqualTo(naiveZip(b, a, (x, y) -> x / y));
            assertThat(a.maximum(b)).isEqualTo(naiveZip(a, b, Math::max));
            assertThat(a.zip("atan2", b, Math::atan2)).isEqualTo(naiveZip(a, b, Math::atan2));
        }

        @Test
        void mismatchedShapesNameTheOpBothShapesTheAxisAndTheRule() {
            assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4, 3)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("add: shapes 2×3 and 4×3 do not broadcast: axis 0 has 2 and 4; aligned from the right,"
                            + " each axis must be equal or 1");
            assertThatThrownBy(() -> Tensor.zeros(2, 1, 3).multiply(Tensor.zeros(4, 2)))
                    .hasMessage("multiply: shapes 2×1×3 and 4×2 do not broadcast: axis 2 (−1 from the right) has 3 and"
                            + " 2; aligned from the right, each axis must be equal or 1");
            assertThatThrownBy(() -> Tensor.zeros(3).subtract(Tensor.zeros(4)))
                    .hasMessage("subtract: shapes (3) and (4) do not broadcast: axis 0 has 3 and 4; aligned from the"
                            + " right, each axis must be equal or 1");
            assertThatThrownBy(() -> Tensor.zeros(5, 2).divide(Tensor.zeros(3, 5, 3)))
                    .hasMessageStartingWith("divide: shapes 5×2 and 3×5×3 do not broadcast: axis 2 (−1 from the right)"
                            + " has 2 and 3");
            assertThatThrownBy(() -> Tensor.zeros(2).minimum(Tensor.zeros(3)))
                    .hasMessageStartingWith("minimum: shapes (2) and (3)");
            assertThatThrownBy(() -> Tensor.zeros(2).maximum(Tensor.zeros(3)))
                    .hasMessageStartingWith("maximum: shapes (2) and (3)");
            assertThatThrownBy(() -> Tensor.zeros(2).zip("hypot", Tensor.zeros(3), Math::hypot))
                    .hasMessageStartingWith("hypot: shapes (2) and (3)");
            assertThatThrownBy(() -> Tensor.broadcastShape("concatenate", dims(2, 3), dims(3, 3)))
                    .hasMessageStartingWith("concatenate: shapes 2×3 and 3×3 do not broadcast: axis 0 has 2 and 3");
        }

        @Test
        void broadcastToMaterializesAndSumToIsItsAdjoint() {
            Tensor v = Tensor.vector(1, 2, 3);
            assertThat(v.broadcastTo(2, 3)).isEqualTo(Tensor.of(new double[][] {{1, 2, 3}, {1, 2, 3}}));
            assertThat(Tensor.scalar(4).broadcastTo(2, 2)).isEqualTo(Tensor.full(4, 2, 2));
            assertThat(Tensor.column(1, 2).broadcastTo(2, 2, 3).data()).containsExactly(1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2);
            int[][][] pairs = {{{2, 1, 3}, {2, 4, 3}}, {{4, 1}, {2, 4, 3}}, {{}, {2, 3}}, {{3}, {5, 2, 3}},
                {{1, 1, 2}, {3, 4, 2}}, {{2, 1, 3, 1, 2}, {2, 4, 3, 5, 2}}, {{2, 3}, {2, 3}}};
            for (int[][] p : pairs) {
                int[] small = p[0];
                int[] big = p[1];
                Tensor x = ints(small.length + 1L, small);
                Tensor y = ints(big.length + 100L, big);
                // ⟨broadcastTo(x), y⟩ = ⟨x, sumTo(y)⟩: exact on integers
                assertThat(x.broadcastTo(big).dot(y)).as("%s → %s", Tensor.shape(small), Tensor.shape(big))
                        .isEqualTo(x.dot(y.sumTo(small)));
                // summing back a broadcast copy counts each entry as often as it was repeated
                double times = (double) Tensor.zeros(big).size() / Math.max(1, x.size());
                assertThat(x.broadcastTo(big).sumTo(small)).isEqualTo(x.scale(times));
                // and the gradient of a broadcast add with respect to the small operand
                assertThat(y.add(x).subtract(y).sumTo(small)).isEqualTo(x.scale(times));
            }
        }

        @Test
        void sumToHandComputedAndEqualToTheMatrixSums() {
            Tensor c = Tensor.arange(24).reshape(2, 4, 3);
            // target 4×1: sum over axis 0 and axis 2
            Tensor s = c.sumTo(4, 1);
            assertThat(s.shape()).isEqualTo("4×1");
            for (int j = 0; j < 4; j++) {
                double want = 0;
                for (int i = 0; i < 2; i++) {
                    for (int k = 0; k < 3; k++) {
                        want += 12 * i + 3 * j + k;
                    }
                }
                assertThat(s.at(j, 0)).isEqualTo(want);
            }
            assertThat(c.sumTo().item()).isEqualTo(c.sum());
            assertThat(c.sumTo(2, 4, 3)).isEqualTo(c).isNotSameAs(c);
            Tensor m = randn(5, 13, 17);
            assertThat(m.sumTo(13, 1)).isEqualTo(m.sumRows());
            assertThat(m.sumTo(1, 17)).isEqualTo(m.sumCols());
            assertThat(m.sumTo(17).data()).isEqualTo(m.sumCols().data());
        }

        @Test
        void sumToAndBroadcastToNameBothShapesAndTheAxis() {
            Tensor t = Tensor.zeros(2, 3);
            assertThatThrownBy(() -> t.sumTo(4, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("sumTo: 4×3 does not broadcast to this tensor's shape 2×3: axis 0 has 4 and 2; aligned"
                            + " from the right, each axis of the target must be 1 or equal");
            assertThatThrownBy(() -> t.sumTo(1, 2, 3))
                    .hasMessage("sumTo: 1×2×3 has more axes than this tensor's shape 2×3; the target must broadcast to"
                            + " this shape");
            assertThatThrownBy(() -> t.sumTo(2)).hasMessageStartingWith(
                    "sumTo: (2) does not broadcast to this tensor's shape 2×3: axis 1 (−1 from the right) has 2 and 3");
            assertThatThrownBy(() -> t.broadcastTo(4, 3))
                    .hasMessage("broadcastTo: 2×3 does not broadcast to 4×3: axis 0 has 2 and 4; aligned from the right,"
                            + " each axis of this tensor must be 1 or equal to the target's");
            assertThatThrownBy(() -> t.broadcastTo(3))
                    .hasMessage("broadcastTo: 2×3 cannot be broadcast to (3): it has more axes");
            assertThatThrownBy(() -> t.broadcastTo(-1, 3)).hasMessage("broadcastTo: dimensions must be ≥ 0, got -1×3");
        }
    }

    private static int[] parse(String s) {
        if (s.isBlank()) {
            return new int[0];
        }
        return Arrays.stream(s.split(",")).mapToInt(x -> Integer.parseInt(x.trim())).toArray();
    }

    // ------------------------------------------------------------------ element-wise helpers

    @Test
    void unaryHelpersMapEveryEntryAndKeepTheShape() {
        Tensor t = Tensor.vector(-4, 0, 2.25).reshape(1, 3, 1);
        assertThat(t.negate().data()).containsExactly(4, -0.0, -2.25);
        assertThat(t.abs().data()).containsExactly(4, 0, 2.25);
        assertThat(t.exp().data()).containsExactly(Math.exp(-4), 1, Math.exp(2.25));
        assertThat(t.log().data()).containsExactly(Double.NaN, Double.NEGATIVE_INFINITY, Math.log(2.25));
        assertThat(t.sqrt().data()).containsExactly(Double.NaN, 0, 1.5);
        assertThat(t.pow(2).data()).containsExactly(16, 0, 5.0625);
        assertThat(t.clamp(-1, 1).data()).containsExactly(-1, 0, 1);
        assertThat(Tensor.vector(Double.NaN).clamp(0, 1).item()).isNaN();
        for (Tensor u : new Tensor[] {t.negate(), t.abs(), t.exp(), t.log(), t.sqrt(), t.pow(3), t.clamp(0, 1),
                t.scale(2), t.map(Math::sin)}) {
            assertThat(u.shape()).isEqualTo("1×3×1");
        }
        assertThat(t).isEqualTo(Tensor.vector(-4, 0, 2.25).reshape(1, 3, 1));
        assertThatThrownBy(() -> t.clamp(2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("clamp: need lo ≤ hi, got lo=2.0, hi=1.0");
        assertThatThrownBy(() -> t.clamp(Double.NaN, 1)).hasMessageStartingWith("clamp: need lo ≤ hi");
    }

    // ------------------------------------------------------------------ reductions

    /** The reference reduction: every entry folded into its output entry in row-major order. */
    private static Tensor naiveReduce(Tensor x, boolean[] reduced, int kind) {
        int[] kept = x.dims();
        for (int i = 0; i < kept.length; i++) {
            if (reduced[i]) {
                kept[i] = 1;
            }
        }
        Tensor out = Tensor.full(kind == 0 ? 0 : kind == 1 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY,
                kept);
        for (int f = 0; f < x.size(); f++) {
            int[] idx = x.unravel(f);
            for (int i = 0; i < idx.length; i++) {
                if (reduced[i]) {
                    idx[i] = 0;
                }
            }
            int o = out.flatIndex(idx);
            double v = x.get(f);
            out.set(o, kind == 0 ? out.get(o) + v : kind == 1 ? Math.max(out.get(o), v) : Math.min(out.get(o), v));
        }
        return out;
    }

    @Nested
    class Reductions {

        @Test
        void handComputedSumsMeansAndExtremes() {
            Tensor s1 = T234.sum(new int[] {1}, false);
            assertThat(s1.shape()).isEqualTo("2×4");
            assertThat(s1.data()).containsExactly(12, 15, 18, 21, 48, 51, 54, 57);
            assertThat(T234.sum(new int[] {1}, true).shape()).isEqualTo("2×1×4");
            assertThat(T234.sum(new int[] {1}, true).data()).isEqualTo(s1.data());
            Tensor all = T234.sum(new int[0], false);
            assertThat(all.shape()).isEqualTo("()");
            assertThat(all.item()).isEqualTo(276.0);
            assertThat(T234.sum(new int[0], true).shape()).isEqualTo("1×1×1");
            Tensor ends = T234.sum(new int[] {0, -1}, true);
            assertThat(ends.shape()).isEqualTo("1×3×1");
            assertThat(ends.data()).containsExactly(6 + 54, 22 + 70, 38 + 86);
            assertThat(T234.mean(new int[] {2}, false).data()).containsExactly(1.5, 5.5, 9.5, 13.5, 17.5, 21.5);
            assertThat(T234.mean(new int[0], false).item()).isEqualTo(11.5);
            assertThat(T234.max(new int[] {0}, false)).isEqualTo(Tensor.arange(12).add(Tensor.scalar(12)).reshape(3, 4));
            assertThat(T234.min(new int[] {1, 2}, false)).isEqualTo(Tensor.vector(0, 12));
            assertThat(T234.max(new int[0], false).item()).isEqualTo(23.0);
            assertThat(Tensor.scalar(3).sum(new int[0], false)).isEqualTo(Tensor.scalar(3));
        }

        @Test
        void maxAndMinPropagateNaNAndAnEmptyReductionIsAnError() {
            Tensor t = Tensor.of(new double[][] {{1, Double.NaN}, {3, 4}});
            assertThat(t.max(new int[] {1}, false).data()).containsExactly(Double.NaN, 4);
            assertThat(t.min(new int[] {0}, false).data()).containsExactly(1, Double.NaN);
            assertThat(Tensor.zeros(2, 0).sum(new int[] {1}, false)).isEqualTo(Tensor.zeros(2));
            assertThat(Tensor.zeros(2, 0).mean(new int[] {1}, false).data()).containsExactly(Double.NaN, Double.NaN);
            assertThat(Tensor.zeros(0, 3).max(new int[] {1}, false).shape()).isEqualTo("(0)");
            assertThatThrownBy(() -> Tensor.zeros(2, 0).max(new int[] {1}, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("max: axis 1 of a 2×0 tensor is empty; the max of no entries is undefined");
            assertThatThrownBy(() -> Tensor.zeros(0).min(new int[0], false))
                    .hasMessage("min: axis 0 of a (0) tensor is empty; the min of no entries is undefined");
        }

        @Test
        void everySetOfAxesOfARankFiveTensorMatchesTheNaiveLoopBitForBit() {
            Tensor x = randn(55, 3, 1, 4, 2, 5);
            for (int mask = 0; mask < 32; mask++) {
                List<Integer> axes = new ArrayList<>();
                boolean[] reduced = new boolean[5];
                for (int i = 0; i < 5; i++) {
                    if ((mask & (1 << i)) != 0) {
                        axes.add(i % 2 == 0 ? i : i - 5); // negative axes too
                        reduced[i] = true;
                    }
                }
                if (mask == 0) {
                    Arrays.fill(reduced, true); // no axes: all of them
                }
                int[] a = axes.stream().mapToInt(Integer::intValue).toArray();
                String what = "axes " + Arrays.toString(a);
                Tensor sum = naiveReduce(x, reduced, 0);
                assertThat(x.sum(a, true)).as(what).isEqualTo(sum);
                assertThat(x.max(a, true)).as(what).isEqualTo(naiveReduce(x, reduced, 1));
                assertThat(x.min(a, true)).as(what).isEqualTo(naiveReduce(x, reduced, 2));
                double count = (double) x.size() / sum.size();
                assertThat(x.mean(a, true)).as(what).isEqualTo(sum.map(v -> v / count));
                Tensor dropped = x.sum(a, false);
                assertThat(dropped.data()).as(what).isEqualTo(sum.data());
                int kept = 0;
                for (boolean r : reduced) {
                    kept += r ? 0 : 1;
                }
                assertThat(dropped.rank()).as(what).isEqualTo(kept);
            }
        }

        @Test
        void argmaxTakesTheFirstLargestAndTheFirstNaN() {
            Tensor t = Tensor.of(new double[][] {{1, 5, 5}, {7, 2, 7}, {0, Double.NaN, 9}});
            assertThat(t.argmax(1)).isEqualTo(Tensor.vector(1, 0, 1));
            assertThat(t.argmax(0)).isEqualTo(Tensor.vector(1, 2, 2));
            assertThat(t.argmax(-1)).isEqualTo(t.argmax(1));
            Tensor r = randn(8, 2, 3, 4);
            Tensor a = r.argmax(1);
            assertThat(a.shape()).isEqualTo("2×4");
            for (int i = 0; i < 2; i++) {
                for (int k = 0; k < 4; k++) {
                    int best = 0;
                    for (int j = 1; j < 3; j++) {
                        if (r.at(i, j, k) > r.at(i, best, k)) {
                            best = j;
                        }
                    }
                    assertThat(a.at(i, k)).isEqualTo(best);
                }
            }
            assertThat(Tensor.vector(3, 9, 1).argmax(0).shape()).isEqualTo("()");
            assertThat(Tensor.vector(3, 9, 1).argmax(0).item()).isEqualTo(1.0);
            assertThatThrownBy(() -> Tensor.zeros(2, 0).argmax(1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("argmax: axis 1 of a 2×0 tensor is empty; there is no largest entry");
            assertThatThrownBy(() -> t.argmax(2))
                    .hasMessage("argmax: axis 2 is out of range for a 3×3 tensor (rank 2): use −2 … 1");
        }

        @Test
        void axisErrorsNameTheAxisTheShapeAndTheRangeAndDuplicatesAreRejected() {
            Tensor t = Tensor.zeros(2, 3);
            assertThatThrownBy(() -> t.sum(new int[] {3}, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("sum: axis 3 is out of range for a 2×3 tensor (rank 2): use −2 … 1");
            assertThatThrownBy(() -> t.mean(new int[] {-3}, true))
                    .hasMessage("mean: axis -3 is out of range for a 2×3 tensor (rank 2): use −2 … 1");
            assertThatThrownBy(() -> t.max(new int[] {1, -1}, false))
                    .hasMessage("max: axis 1 is given twice (as 1 and -1) for a 2×3 tensor; give each axis once");
            assertThatThrownBy(() -> t.min(new int[] {0, 0}, false))
                    .hasMessage("min: axis 0 is given twice (as 0 and 0) for a 2×3 tensor; give each axis once");
            assertThatThrownBy(() -> Tensor.scalar(1).sum(new int[] {0}, false))
                    .hasMessage("sum: axis 0 is out of range for a () tensor (rank 0): it has no axes");
        }
    }

    // ------------------------------------------------------------------ shape operations

    @Nested
    class ShapeOperations {

        @Test
        void reshapeKeepsRowMajorOrderInfersOneAxisAndCopies() {
            Tensor r = T234.reshape(4, -1);
            assertThat(r.shape()).isEqualTo("4×6");
            assertThat(r.data()).isEqualTo(T234.data()).isNotSameAs(T234.data());
            assertThat(T234.reshape(-1).shape()).isEqualTo("(24)");
            assertThat(T234.reshape(2, 1, 3, 1, 4).rank()).isEqualTo(5);
            assertThat(Tensor.vector(5).reshape().shape()).isEqualTo("()");
            assertThat(Tensor.zeros(0, 3).reshape(3, 0, 5).shape()).isEqualTo("3×0×5");
            r.set(0, 100);
            assertThat(T234.get(0)).isEqualTo(0.0);
        }

        @Test
        void reshapeErrorsNameBothShapesAndSizes() {
            Tensor t = Tensor.zeros(2, 3);
            assertThatThrownBy(() -> t.reshape(4, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("reshape: cannot reshape 2×3 (6 entries) to 4×2 (8 entries)");
            assertThatThrownBy(() -> t.reshape(4, -1))
                    .hasMessage("reshape: cannot reshape 2×3 (6 entries) to 4×-1: 6 entries are not a multiple of 4,"
                            + " the product of the other axes");
            assertThatThrownBy(() -> t.reshape(-1, 2, -1))
                    .hasMessage("reshape: at most one axis may be −1, got -1×2×-1");
            assertThatThrownBy(() -> t.reshape(-2, -3))
                    .hasMessage("reshape: dimensions must be ≥ 0 (or one −1 to infer), got -2×-3");
            assertThatThrownBy(() -> Tensor.zeros(0).reshape(0, -1))
                    .hasMessage("reshape: cannot reshape (0) (0 entries) to 0×-1: the −1 axis cannot be inferred when"
                            + " the other axes hold no entries");
            assertThatThrownBy(() -> t.reshape(65536, 65536, 2))
                    .hasMessage("reshape: cannot reshape 2×3 (6 entries) to 65536×65536×2 (too many entries)");
        }

        @Test
        void flattenSqueezeAndUnsqueeze() {
            assertThat(T234.flatten(1, 2).shape()).isEqualTo("2×12");
            assertThat(T234.flatten(0, -1)).isEqualTo(Tensor.arange(24));
            assertThat(T234.flatten(1, 1)).isEqualTo(T234);
            assertThat(T234.flatten(0, 1).data()).isEqualTo(T234.data());
            Tensor u = T234.unsqueeze(1);
            assertThat(u.shape()).isEqualTo("2×1×3×4");
            assertThat(T234.unsqueeze(-1).shape()).isEqualTo("2×3×4×1");
            assertThat(T234.unsqueeze(3).shape()).isEqualTo("2×3×4×1");
            assertThat(T234.unsqueeze(-4).shape()).isEqualTo("1×2×3×4");
            assertThat(u.squeeze(1)).isEqualTo(T234);
            assertThat(Tensor.scalar(2).unsqueeze(0)).isEqualTo(Tensor.vector(2));
            assertThat(Tensor.vector(2).squeeze(0)).isEqualTo(Tensor.scalar(2));
            assertThatThrownBy(() -> T234.flatten(2, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("flatten: startAxis 2 comes after endAxis 1 in a 2×3×4 tensor; give startAxis ≤ endAxis");
            assertThatThrownBy(() -> T234.flatten(0, 3))
                    .hasMessage("flatten: axis 3 is out of range for a 2×3×4 tensor (rank 3): use −3 … 2");
            assertThatThrownBy(() -> T234.squeeze(1))
                    .hasMessage("squeeze: axis 1 of a 2×3×4 tensor has length 3, not 1; only an axis of length 1 can be"
                            + " removed");
            assertThatThrownBy(() -> Tensor.zeros(2, 3).unsqueeze(3))
                    .hasMessage("unsqueeze: axis 3 is out of range for a 2×3 tensor (rank 2): the new axis goes at"
                            + " −3 … 2");
            assertThatThrownBy(() -> Tensor.zeros(2, 3).unsqueeze(-4)).hasMessageStartingWith("unsqueeze: axis -4");
        }

        @Test
        void permuteMovesAxesAndItsInverseGivesTheTensorBack() {
            Tensor p = T234.permute(2, 0, 1);
            assertThat(p.shape()).isEqualTo("4×2×3");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 4; k++) {
                        assertThat(p.at(k, i, j)).isEqualTo(T234.at(i, j, k));
                    }
                }
            }
            assertThat(p.permute(1, 2, 0)).isEqualTo(T234);
            assertThat(T234.permute(-1, -3, -2)).isEqualTo(p);
            Tensor x = randn(3, 2, 3, 1, 4, 5);
            int[][] perms = {{4, 2, 0, 3, 1}, {0, 1, 2, 3, 4}, {1, 0, 4, 3, 2}, {3, 4, 0, 1, 2}};
            for (int[] perm : perms) {
                int[] inverse = new int[5];
                for (int i = 0; i < 5; i++) {
                    inverse[perm[i]] = i;
                }
                Tensor y = x.permute(perm);
                for (int f = 0; f < y.size(); f += 7) {
                    int[] at = y.unravel(f);
                    int[] src = new int[5];
                    for (int i = 0; i < 5; i++) {
                        src[perm[i]] = at[i];
                    }
                    assertThat(y.get(f)).isEqualTo(x.at(src));
                }
                assertThat(y.permute(inverse)).as(Arrays.toString(perm)).isEqualTo(x);
            }
            Tensor m = randn(4, 5, 7);
            assertThat(m.transpose(0, 1)).isEqualTo(m.transpose());
            assertThat(m.transpose(-1, 0)).isEqualTo(m.transpose());
            assertThat(T234.transpose(0, 2)).isEqualTo(T234.permute(2, 1, 0));
            assertThat(T234.transpose(1, 1)).isEqualTo(T234);
        }

        @Test
        void permuteRejectsWhatIsNotAPermutation() {
            assertThatThrownBy(() -> T234.permute(0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("permute: (0, 0, 1) is not a permutation of the axes of a 2×3×4 tensor: axis 0 appears"
                            + " twice");
            assertThatThrownBy(() -> T234.permute(2, -1, 0))
                    .hasMessage("permute: (2, -1, 0) is not a permutation of the axes of a 2×3×4 tensor: axis 2 appears"
                            + " twice");
            assertThatThrownBy(() -> T234.permute(1, 0))
                    .hasMessage("permute: (1, 0) has 2 axes but the tensor is 2×3×4 (rank 3); give each axis once");
            assertThatThrownBy(() -> T234.permute(0, 1, 3))
                    .hasMessage("permute: axis 3 is out of range for a 2×3×4 tensor (rank 3): use −3 … 2");
            assertThatThrownBy(() -> T234.transpose(0, 5)).hasMessageStartingWith("transpose: axis 5 is out of range");
        }

        @Test
        void narrowSliceAndConcatCutAndJoin() {
            Tensor n = T234.narrow(2, 1, 2);
            assertThat(n.shape()).isEqualTo("2×3×2");
            assertThat(n.data()).containsExactly(1, 2, 5, 6, 9, 10, 13, 14, 17, 18, 21, 22);
            assertThat(T234.slice(2, 1, 3)).isEqualTo(n);
            assertThat(T234.slice(0, 1, 2)).isEqualTo(Tensor.arange(12).add(Tensor.scalar(12)).reshape(1, 3, 4));
            assertThat(T234.slice(1, 2, 2).shape()).isEqualTo("2×0×4");
            for (int axis = -3; axis < 3; axis++) {
                int len = T234.dim(axis);
                Tensor a = T234.slice(axis, 0, 1);
                Tensor b = T234.slice(axis, 1, len);
                Tensor joined = Tensor.concat(axis, a, b);
                assertThat(joined).as("axis %d", axis).isEqualTo(T234);
                assertThat(joined.slice(axis, 1, len)).isEqualTo(b);
                assertThat(Tensor.concat(axis, T234)).isEqualTo(T234);
            }
            Tensor c = Tensor.concat(1, Tensor.of(new double[][] {{1}, {2}}), Tensor.zeros(2, 0),
                    Tensor.of(new double[][] {{3, 4}, {5, 6}}));
            assertThat(c).isEqualTo(Tensor.of(new double[][] {{1, 3, 4}, {2, 5, 6}}));
            assertThat(Tensor.concat(0, Tensor.vector(1), Tensor.vector(2, 3))).isEqualTo(Tensor.vector(1, 2, 3));
        }

        @Test
        void cutAndJoinErrorsNameTheAxisTheRangeAndTheTensor() {
            assertThatThrownBy(() -> T234.narrow(1, 2, 2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("narrow: start 2 and length 2 do not fit axis 1 of a 2×3×4 tensor (size 3):"
                            + " need 0 ≤ start ≤ start + length ≤ 3");
            assertThatThrownBy(() -> T234.narrow(1, -1, 1)).hasMessageStartingWith("narrow: start -1 and length 1");
            assertThatThrownBy(() -> T234.narrow(1, 0, -1)).hasMessageStartingWith("narrow: start 0 and length -1");
            assertThatThrownBy(() -> T234.slice(2, 1, 5))
                    .hasMessage("slice: [1, 5) is out of range for axis 2 of a 2×3×4 tensor (size 4):"
                            + " need 0 ≤ start ≤ end ≤ 4");
            assertThatThrownBy(() -> T234.slice(-1, 3, 2)).hasMessageStartingWith("slice: [3, 2) is out of range for axis -1");
            assertThatThrownBy(() -> T234.slice(3, 0, 1)).hasMessageStartingWith("slice: axis 3 is out of range");
            assertThatThrownBy(() -> Tensor.concat(1, Tensor.zeros(3, 4), Tensor.zeros(3, 1), Tensor.zeros(2, 5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("concat: tensor 2 is 2×5 but tensor 0 is 3×4: axis 0 has 2 and 3; joining along axis 1,"
                            + " every other axis must match");
            assertThatThrownBy(() -> Tensor.concat(0, Tensor.zeros(2, 4), Tensor.zeros(4)))
                    .hasMessage("concat: tensor 1 is (4) but tensor 0 is 2×4; all need the same rank (2)");
            assertThatThrownBy(() -> Tensor.concat(0)).hasMessage("concat: needs at least one tensor");
            assertThatThrownBy(() -> Tensor.concat(2, Tensor.zeros(2, 4)))
                    .hasMessage("concat: axis 2 is out of range for a 2×4 tensor (rank 2): use −2 … 1");
        }

        @Test
        void stackAddsAnAxis() {
            Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
            Tensor b = Tensor.of(new double[][] {{5, 6}, {7, 8}});
            Tensor s0 = Tensor.stack(0, a, b);
            assertThat(s0.shape()).isEqualTo("2×2×2");
            assertThat(s0.data()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            Tensor s1 = Tensor.stack(1, a, b, a);
            assertThat(s1.shape()).isEqualTo("2×3×2");
            assertThat(s1.data()).containsExactly(1, 2, 5, 6, 1, 2, 3, 4, 7, 8, 3, 4);
            Tensor s2 = Tensor.stack(-1, a, b);
            assertThat(s2.shape()).isEqualTo("2×2×2");
            assertThat(s2.data()).containsExactly(1, 5, 2, 6, 3, 7, 4, 8);
            assertThat(Tensor.stack(0, Tensor.scalar(1), Tensor.scalar(2))).isEqualTo(Tensor.vector(1, 2));
            for (int axis = 0; axis < 3; axis++) {
                assertThat(Tensor.stack(axis, a, b).slice(axis, 1, 2).squeeze(axis)).isEqualTo(b);
            }
            assertThatThrownBy(() -> Tensor.stack(0, a, Tensor.zeros(2, 3))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stack: tensor 1 is 2×3 but tensor 0 is 2×2; stacked tensors must all have the same"
                            + " shape");
            assertThatThrownBy(() -> Tensor.stack(3, a, b))
                    .hasMessage("stack: axis 3 is out of range for 2×2 tensors (rank 2): the new axis goes at −3 … 2");
            assertThatThrownBy(() -> Tensor.stack(0)).hasMessage("stack: needs at least one tensor");
        }

        @Test
        void padSurroundsAndNarrowTakesItBack() {
            Tensor m = Tensor.of(new double[][] {{1, 2}, {3, 4}});
            Tensor p = m.pad(new int[] {1, 0}, new int[] {0, 2}, -1);
            assertThat(p).isEqualTo(Tensor.of(new double[][] {{-1, -1, -1, -1}, {1, 2, -1, -1}, {3, 4, -1, -1}}));
            Tensor x = randn(12, 2, 3, 1, 2, 2);
            int[] before = {1, 0, 2, 0, 3};
            int[] after = {0, 2, 1, 1, 0};
            Tensor q = x.pad(before, after, 0.5);
            assertThat(q.dims()).containsExactly(3, 5, 4, 3, 5);
            Tensor back = q;
            for (int axis = 0; axis < 5; axis++) {
                back = back.narrow(axis, before[axis], x.dim(axis));
            }
            assertThat(back).isEqualTo(x);
            assertThat(q.sum() - x.sum()).isCloseTo(0.5 * (q.size() - x.size()), within(1e-9));
            assertThat(Tensor.scalar(3).pad(new int[0], new int[0], 0)).isEqualTo(Tensor.scalar(3));
            assertThat(Tensor.zeros(0, 2).pad(new int[] {1, 0}, new int[] {0, 0}, 7)).isEqualTo(Tensor.full(7, 1, 2));
            assertThatThrownBy(() -> m.pad(new int[] {1}, new int[] {1, 1}, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pad: a 2×2 tensor needs one padding per axis before and after (2 each), got 1 and 2");
            assertThatThrownBy(() -> m.pad(new int[] {0, 0}, new int[] {0, -1}, 0))
                    .hasMessage("pad: padding must be ≥ 0, got 0 before and -1 after axis 1");
        }
    }

    // ------------------------------------------------------------------ indexing

    @Nested
    class Indexing {

        @Test
        void indexSelectPicksSlicesAndIndexAddIsItsAdjoint() {
            Tensor s = T234.indexSelect(1, new int[] {2, 0, 2});
            assertThat(s.shape()).isEqualTo("2×3×4");
            assertThat(s.data()).containsExactly(8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23, 12, 13, 14, 15,
                    20, 21, 22, 23);
            // entry (i, j, 3) of T234 is 12i + 4j + 3 = 4·(3i + j) + 3
            assertThat(T234.indexSelect(-1, new int[] {3}).squeeze(-1))
                    .isEqualTo(Tensor.arange(6).reshape(2, 3).scale(4).add(Tensor.scalar(3)));
            Tensor m = randn(6, 4, 7);
            assertThat(m.indexSelect(1, new int[] {6, 1, 1})).isEqualTo(m.selectColumns(6, 1, 1));
            assertThat(m.indexSelect(0, new int[0]).shape()).isEqualTo("0×7");
            // repeated indices add up
            Tensor added = Tensor.zeros(3, 2).indexAdd(0, new int[] {2, 0, 2},
                    Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}}));
            assertThat(added).isEqualTo(Tensor.of(new double[][] {{3, 4}, {0, 0}, {6, 8}}));
            assertThat(Tensor.ones(3, 2).indexAdd(1, new int[] {1}, Tensor.column(1, 2, 3)))
                    .isEqualTo(Tensor.of(new double[][] {{1, 2}, {1, 3}, {1, 4}}));
            // ⟨indexSelect(x), y⟩ = ⟨x, indexAdd(y)⟩, exact on integers
            Tensor x = ints(40, 3, 5, 2, 4);
            int[] idx = {4, 0, 4, 2, 1, 4};
            for (int axis = 0; axis < 4; axis++) {
                int n = x.dim(axis);
                int[] inRange = Arrays.stream(idx).map(i -> i % n).toArray();
                Tensor sel = x.indexSelect(axis, inRange);
                Tensor y = ints(41 + axis, sel.dims());
                assertThat(sel.dot(y)).as("axis %d", axis)
                        .isEqualTo(x.dot(Tensor.zerosLike(x).indexAdd(axis, inRange, y)));
            }
        }

        @Test
        void indexSelectAndIndexAddNameTheBadIndexTheAxisAndItsSize() {
            assertThatThrownBy(() -> T234.indexSelect(1, new int[] {0, 3}))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("indexSelect: index 3 is out of range for axis 1 of a 2×3×4 tensor (size 3): use 0 … 2");
            assertThatThrownBy(() -> T234.indexSelect(0, new int[] {-1})).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("indexSelect: index -1 is out of range for axis 0 of a 2×3×4 tensor (size 2): use 0 … 1");
            assertThatThrownBy(() -> Tensor.zeros(2, 0).indexSelect(1, new int[] {0}))
                    .hasMessage("indexSelect: index 0 is out of range for axis 1 of a 2×0 tensor (size 0): the axis is"
                            + " empty");
            assertThatThrownBy(() -> T234.indexAdd(2, new int[] {4}, Tensor.zeros(2, 3, 1)))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("indexAdd: index 4 is out of range for axis 2 of a 2×3×4 tensor (size 4): use 0 … 3");
            assertThatThrownBy(() -> T234.indexAdd(2, new int[] {1, 2}, Tensor.zeros(2, 3, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("indexAdd: src is 2×3×1 but adding 2 slices along axis 2 of a 2×3×4 tensor needs 2×3×2");
            assertThatThrownBy(() -> T234.indexSelect(3, new int[] {0}))
                    .hasMessage("indexSelect: axis 3 is out of range for a 2×3×4 tensor (rank 3): use −3 … 2");
        }

        @Test
        void gatherFollowsTorchAndScatterAddIsItsAdjoint() {
            // torch.gather's documented example
            Tensor t = Tensor.of(new double[][] {{1, 2}, {3, 4}});
            Tensor idx = Tensor.of(new double[][] {{0, 0}, {1, 0}});
            assertThat(t.gather(1, idx)).isEqualTo(Tensor.of(new double[][] {{1, 1}, {4, 3}}));
            assertThat(t.gather(0, idx)).isEqualTo(Tensor.of(new double[][] {{1, 2}, {3, 2}}));
            // an index tensor shorter than the tensor on another axis
            assertThat(T234.gather(2, Tensor.of(new double[][] {{3}}).reshape(1, 1, 1)).item()).isEqualTo(3.0);
            assertThat(T234.gather(1, Tensor.vector(2, 0).reshape(1, 1, 2)).data()).containsExactly(8, 1);
            // scatterAdd: entries meeting at one place add up
            Tensor sc = Tensor.zeros(2, 3).scatterAdd(1, Tensor.of(new double[][] {{2, 2}, {0, 1}}),
                    Tensor.of(new double[][] {{1, 10}, {100, 1000}}));
            assertThat(sc).isEqualTo(Tensor.of(new double[][] {{0, 0, 11}, {100, 1000, 0}}));
            assertThat(Tensor.ones(2, 3).scatterAdd(0, Tensor.of(new double[][] {{1}}), Tensor.of(new double[][] {{5}})))
                    .isEqualTo(Tensor.of(new double[][] {{1, 1, 1}, {6, 1, 1}}));
            // against the definition, and ⟨gather(x), y⟩ = ⟨x, scatterAdd(y)⟩ on random data
            Tensor x = ints(70, 3, 4, 5);
            for (int axis = 0; axis < 3; axis++) {
                int[] idims = {2, 3, 4};
                idims[axis] = 6; // longer than the tensor along the gathered axis is fine
                Well19937c rng = new Well19937c(71 + axis);
                Tensor ix = Tensor.zeros(idims);
                for (int f = 0; f < ix.size(); f++) {
                    ix.set(f, rng.nextInt(x.dim(axis)));
                }
                Tensor g = x.gather(axis, ix);
                assertThat(g.dims()).isEqualTo(idims);
                for (int f = 0; f < g.size(); f++) {
                    int[] at = g.unravel(f);
                    at[axis] = (int) ix.get(f);
                    assertThat(g.get(f)).isEqualTo(x.at(at));
                }
                Tensor y = ints(72 + axis, idims);
                assertThat(g.dot(y)).as("axis %d", axis).isEqualTo(x.dot(Tensor.zerosLike(x).scatterAdd(axis, ix, y)));
            }
        }

        @Test
        void gatherAndScatterAddNameTheBadEntryItsIndexTupleAndValue() {
            Tensor t = Tensor.zeros(2, 3);
            assertThatThrownBy(() -> t.gather(1, Tensor.of(new double[][] {{0}, {1.5}})))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gather: indices entry (1, 0) is 1.5, not a whole number; indices must be integers");
            assertThatThrownBy(() -> t.gather(1, Tensor.of(new double[][] {{Double.NaN}})))
                    .hasMessage("gather: indices entry (0, 0) is NaN, not a whole number; indices must be integers");
            assertThatThrownBy(() -> t.gather(1, Tensor.of(new double[][] {{0, 3}})))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("gather: indices entry (0, 1) is 3, out of range for axis 1 of size 3: use 0 … 2");
            assertThatThrownBy(() -> t.gather(0, Tensor.of(new double[][] {{-1}})))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("gather: indices entry (0, 0) is -1, out of range for axis 0 of size 2: use 0 … 1");
            assertThatThrownBy(() -> t.gather(0, Tensor.vector(0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gather: indices are (1) (rank 1) but the tensor is 2×3 (rank 2); they need the same rank");
            assertThatThrownBy(() -> t.gather(0, Tensor.zeros(1, 4)))
                    .hasMessage("gather: indices 1×4 do not fit a 2×3 tensor: axis 1 has 4 > 3; every axis but 0 must be"
                            + " at most the tensor's");
            assertThatThrownBy(() -> t.scatterAdd(1, Tensor.zeros(2, 2), Tensor.zeros(2, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("scatterAdd: src is 2×1 but indices are 2×2; they need the same shape");
            assertThatThrownBy(() -> t.scatterAdd(1, Tensor.full(2.5, 1, 1), Tensor.zeros(1, 1)))
                    .hasMessage("scatterAdd: indices entry (0, 0) is 2.5, not a whole number; indices must be integers");
            assertThatThrownBy(() -> t.scatterAdd(1, Tensor.full(Double.POSITIVE_INFINITY, 1, 1), Tensor.zeros(1, 1)))
                    .isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessage("scatterAdd: indices entry (0, 0) is Infinity, out of range for axis 1 of size 3: use"
                            + " 0 … 2");
            assertThatThrownBy(() -> t.gather(2, Tensor.zeros(1, 1)))
                    .hasMessage("gather: axis 2 is out of range for a 2×3 tensor (rank 2): use −2 … 1");
        }
    }

    // ------------------------------------------------------------------ matrix products

    /** Matrix {@code t} of a batch, as a 2-D tensor. */
    private static Tensor matrixOf(Tensor batch, int... index) {
        Tensor t = batch;
        for (int i : index) {
            t = t.slice(0, i, i + 1).squeeze(0);
        }
        return t;
    }

    @Nested
    class MatrixProducts {

        @ParameterizedTest(name = "{0} batches of {1}×{2}·{2}×{3}")
        @CsvSource({"3,2,3,4", "7,4,5,3", "16,8,8,8", "4,33,65,47", "3,130,300,41", "40,16,16,16", "2,0,3,4",
            "2,3,0,4", "0,3,3,3", "5,64,64,64"})
        void aBatchedProductIsTheLoopOfMatrixProductsBitForBit(int batches, int n, int k, int m) {
            Tensor a = randn(batches * 1000L + n, batches, n, k);
            Tensor b = randn(batches * 2000L + m, batches, k, m);
            Tensor c = a.matmul(b);
            assertThat(c.dims()).containsExactly(batches, n, m);
            Tensor at = a.transpose(1, 2);
            Tensor bt = b.transpose(1, 2);
            Tensor tl = at.matmulTransposeLeft(b);
            Tensor tr = a.matmulTransposeRight(bt);
            for (int t = 0; t < batches; t++) {
                Tensor want = matrixOf(a, t).matmul(matrixOf(b, t));
                assertThat(matrixOf(c, t)).as("matmul %d", t).isEqualTo(want);
                assertThat(matrixOf(tl, t)).as("matmulTransposeLeft %d", t)
                        .isEqualTo(matrixOf(at, t).matmulTransposeLeft(matrixOf(b, t)));
                assertThat(matrixOf(tr, t)).as("matmulTransposeRight %d", t)
                        .isEqualTo(matrixOf(a, t).matmulTransposeRight(matrixOf(bt, t)));
                assertThat(matrixOf(tl, t).approxEquals(want, 1e-12)).isTrue();
                assertThat(matrixOf(tr, t).approxEquals(want, 1e-12)).isTrue();
            }
        }

        @Test
        void handComputedBatchedProduct() {
            Tensor a = Tensor.arange(8).reshape(2, 2, 2); // [[0 1][2 3]], [[4 5][6 7]]
            Tensor b = Tensor.vector(1, 0, 0, 2, 0, 1, 1, 0).reshape(2, 2, 2); // diag(1, 2), swap
            assertThat(a.matmul(b).data()).containsExactly(0, 2, 2, 6, 5, 4, 7, 6);
            assertThat(a.matmul(Tensor.of(new double[][] {{1}, {1}})).data()).containsExactly(1, 5, 9, 13);
        }

        @Test
        void aMatrixOperandIsBroadcastAcrossTheBatch() {
            Tensor x = randn(81, 6, 5, 70);
            Tensor w = randn(82, 70, 9);
            Tensor xw = x.matmul(w);
            assertThat(xw.shape()).isEqualTo("6×5×9");
            Tensor v = randn(83, 4, 5);
            Tensor vx = v.matmul(x);
            assertThat(vx.shape()).isEqualTo("6×4×70");
            Tensor xwT = x.matmulTransposeRight(w.transpose());
            Tensor vTx = v.transpose().matmulTransposeLeft(x);
            for (int t = 0; t < 6; t++) {
                assertThat(matrixOf(xw, t)).isEqualTo(matrixOf(x, t).matmul(w));
                assertThat(matrixOf(vx, t)).isEqualTo(v.matmul(matrixOf(x, t)));
                assertThat(matrixOf(xwT, t)).isEqualTo(matrixOf(x, t).matmulTransposeRight(w.transpose()));
                assertThat(matrixOf(vTx, t)).isEqualTo(v.transpose().matmulTransposeLeft(matrixOf(x, t)));
            }
            // a single product large enough to be shared between threads, broadcast over few batches
            Tensor big = randn(84, 2, 130, 300);
            Tensor shared = randn(85, 300, 41);
            Tensor bs = big.matmul(shared);
            for (int t = 0; t < 2; t++) {
                assertThat(matrixOf(bs, t)).isEqualTo(matrixOf(big, t).matmul(shared));
            }
        }

        @Test
        void batchAxesBroadcastByNumpysRuleUpToRankFive() {
            Tensor a = randn(91, 2, 1, 3, 4);
            Tensor b = randn(92, 5, 4, 2);
            Tensor c = a.matmul(b);
            assertThat(c.shape()).isEqualTo("2×5×3×2");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 5; j++) {
                    assertThat(matrixOf(c, i, j)).isEqualTo(matrixOf(a, i, 0).matmul(matrixOf(b, j)));
                }
            }
            Tensor a5 = randn(93, 2, 1, 2, 3, 4);
            Tensor b5 = randn(94, 1, 3, 1, 4, 2);
            Tensor c5 = a5.matmul(b5);
            assertThat(c5.shape()).isEqualTo("2×3×2×3×2");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int l = 0; l < 2; l++) {
                        assertThat(matrixOf(c5, i, j, l)).isEqualTo(matrixOf(a5, i, 0, l).matmul(matrixOf(b5, 0, j, 0)));
                    }
                }
            }
        }

        @Test
        void productErrorsNameBothShapesAndTheAxis() {
            assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(2, 5, 6)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("matmul: shapes 2×3×4 and 2×5×6 do not chain: the left matrices have 4 columns (axis −1)"
                            + " but the right ones have 5 rows (axis −2)");
            assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(5, 4, 6)))
                    .hasMessage("matmul: shapes 2×3×4 and 5×4×6 do not broadcast in their batch axes (all but the last"
                            + " two): batch axis 0 has 2 and 5; aligned from the right, each batch axis must be equal"
                            + " or 1");
            assertThatThrownBy(() -> Tensor.zeros(3, 2, 3, 4).matmul(Tensor.zeros(5, 4, 6)))
                    .hasMessageContaining("batch axis 1 (−1 from the right) has 2 and 5");
            assertThatThrownBy(() -> Tensor.zeros(3).matmul(Tensor.zeros(3, 4)))
                    .hasMessage("matmul: shapes (3) and 3×4 cannot be multiplied: both need at least 2 axes (a matrix,"
                            + " or a batch of matrices …×rows×columns); make a vector a column or a row first, e.g. with"
                            + " unsqueeze");
            assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmulTransposeLeft(Tensor.zeros(2, 5, 6)))
                    .hasMessage("matmulTransposeLeft: shapes 2×3×4 and 2×5×6 do not chain as aᵀ·b: the left matrices"
                            + " have 3 rows (axis −2) but the right ones have 5 rows (axis −2); both need the same number"
                            + " of rows");
            assertThatThrownBy(() -> Tensor.zeros(2, 3, 4).matmulTransposeRight(Tensor.zeros(6, 5)))
                    .hasMessage("matmulTransposeRight: shapes 2×3×4 and 6×5 do not chain as a·bᵀ: the left matrices"
                            + " have 4 columns (axis −1) but the right ones have 5 columns (axis −1); both need the same"
                            + " number of columns");
            assertThatThrownBy(() -> Tensor.scalar(1).matmulTransposeLeft(Tensor.zeros(1, 1, 1)))
                    .hasMessageStartingWith("matmulTransposeLeft: shapes () and 1×1×1 cannot be multiplied");
        }
    }

    // ------------------------------------------------------------------ text and equality

    @Test
    void toStringNestsLikeNumpyForEveryRank() {
        assertThat(Tensor.scalar(5).toString()).isEqualTo("Tensor () 5.0");
        assertThat(Tensor.vector(1, 2, 3).toString()).isEqualTo("Tensor (3) [1.0, 2.0, 3.0]");
        assertThat(Tensor.arange(10).toString()).isEqualTo("Tensor (10) [0.0, 1.0, 2.0, ..., 7.0, 8.0, 9.0]");
        assertThat(Tensor.arange(8).reshape(2, 2, 2).toString()).isEqualTo(
                "Tensor 2×2×2 [[[0.0, 1.0]\n   [2.0, 3.0]]\n\n  [[4.0, 5.0]\n   [6.0, 7.0]]]");
        assertThat(Tensor.zeros(0, 3).toString()).isEqualTo("Tensor 0×3 []");
        assertThat(Tensor.zeros(2, 0).toString()).isEqualTo("Tensor 2×0 [[]\n  []]");
        String big = Tensor.zeros(8, 2, 8).toString();
        assertThat(big).startsWith("Tensor 8×2×8 [[[0.0, 0.0, 0.0, ..., 0.0, 0.0, 0.0]\n   [0.0");
        assertThat(big).contains("\n\n  ...\n\n  [[");
        assertThat(big.split("\n\n")).hasSize(7); // three blocks, the ellipsis, three blocks
        assertThat(Tensor.zeros(1, 1, 1, 1, 1).toString()).isEqualTo("Tensor 1×1×1×1×1 [[[[[0.0]]]]]");
    }

    @Test
    void equalityIncludesTheShape() {
        assertThat(Tensor.vector(1, 2)).isNotEqualTo(Tensor.row(1, 2));
        assertThat(Tensor.vector(1, 2).hashCode()).isNotEqualTo(Tensor.row(1, 2).hashCode());
        assertThat(Tensor.scalar(1)).isNotEqualTo(Tensor.filled(1, 1, 1));
        assertThat(Tensor.arange(6).reshape(2, 3)).isEqualTo(Tensor.of(new double[][] {{0, 1, 2}, {3, 4, 5}}));
        assertThat(T234.hashCode()).isEqualTo(T234.copy().hashCode());
        assertThat(T234.approxEquals(T234.reshape(4, 6), 1)).isFalse();
        assertThat(T234.approxEquals(T234.add(Tensor.scalar(1e-12)), 1e-9)).isTrue();
        assertThatThrownBy(() -> Tensor.requireSameShape("Conv2d: x and w", T234, T234.reshape(6, 4)))
                .hasMessage("Conv2d: x and w: shapes 2×3×4 and 6×4 differ; they must be equal");
        assertThatThrownBy(() -> T234.dot(Tensor.arange(24))).hasMessage("dot: shapes 2×3×4 and (24) differ; they must be"
                + " equal");
        assertThatThrownBy(() -> T234.copy().addInPlace(Tensor.zeros(2, 3, 4, 1)))
                .hasMessage("addInPlace: shapes 2×3×4 and 2×3×4×1 differ; they must be equal");
    }

    @Test
    void graphBackwardSeedsARankZeroLossWithOnesOfItsShape() {
        Graph g = new Graph();
        Node x = g.variable("x", Tensor.arange(6).reshape(1, 2, 3));
        Node loss = g.apply(TestOps.SUM, x);
        assertThat(loss.value().shape()).isEqualTo("()");
        g.backward(loss);
        assertThat(x.grad()).isEqualTo(Tensor.ones(1, 2, 3));
        Node notScalar = g.apply(TestOps.SIN, x);
        assertThatThrownBy(() -> g.backward(notScalar)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 1×2×3, not a scalar loss; reduce it to one value");
    }
}
