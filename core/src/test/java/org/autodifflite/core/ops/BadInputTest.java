package org.autodifflite.core.ops;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.autodifflite.core.Op;
import org.autodifflite.core.Tensor;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * Every primitive op rejects bad input with an {@link IllegalArgumentException} that names the
 * op, the shapes, the axis or index, and says how to fix it.
 */
class BadInputTest {

    private static Tensor z(int... dims) {
        return Tensor.zeros(dims);
    }

    private static Tensor v(double... values) {
        return Tensor.vector(values);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> forward(Op op, Tensor... inputs) {
        return assertThatThrownBy(() -> op.forward(inputs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(op.name());
    }

    @Test
    void broadcastsThatDoNotFit() {
        for (Op op : new Op[] {new Add(), new Subtract(), new Multiply(), new Divide(), new Minimum(), new Maximum()}) {
            forward(op, z(2, 3), z(4, 3))
                    .hasMessageContaining("a of shape 2×3 and b of shape 4×3 do not broadcast")
                    .hasMessageContaining("axis -2 (counted from the end) is 2 in a and 4 in b")
                    .hasMessageContaining("equal or one of them 1 (reshape or unsqueeze one operand");
            forward(op, z(3), z(2, 4)).hasMessageContaining("a of shape (3) and b of shape 2×4")
                    .hasMessageContaining("axis -1");
        }
        forward(new Where(), z(2, 3), z(3), z(2)).hasMessageContaining("a of shape (3) and b of shape (2)")
                .hasMessageContaining("axis -1");
        forward(new Where(), z(4, 1), z(3), z(2, 3))
                .hasMessageContaining("mask of shape 4×1 and a and b broadcast together of shape 2×3")
                .hasMessageContaining("axis -2 (counted from the end) is 4 in mask and 2 in a and b");
    }

    @Test
    void matMulShapes() {
        forward(new MatMul(), z(3), z(3, 2)).hasMessageContaining("a of shape (3) has rank 1")
                .hasMessageContaining("need rank ≥ 2").hasMessageContaining("1×k row or a k×1 column");
        forward(new MatMul(), z(2, 3), Tensor.scalar(1)).hasMessageContaining("b of shape () has rank 0");
        forward(new MatMul(), z(2, 3), z(4, 2)).hasMessageContaining("a of shape 2×3 has 3 columns")
                .hasMessageContaining("b of shape 4×2 has 4 rows").hasMessageContaining("transpose one of them");
        forward(new MatMul(), z(2, 3, 4), z(5, 4, 2))
                .hasMessageContaining("a of shape 2×3×4 and b of shape 5×4×2 do not broadcast")
                .hasMessageContaining("axis -3 (counted from the end) is 2 in a and 5 in b")
                .hasMessageContaining("batch axis");
    }

    @Test
    void axesOutOfRangeOrRepeated() {
        for (Op op : new Op[] {new Sum(new int[] {2}, false), new Mean(new int[] {2}, true),
            new Max(new int[] {2}, false), new LogSumExp(new int[] {2}, false), new Softmax(2), new LogSoftmax(2),
            new Slice(2, 0, 1), new Concat(2), new Transpose(0, 2)}) {
            forward(op, z(2, 3)).hasMessageContaining("axis 2 is out of range for")
                    .hasMessageContaining("of shape 2×3 (rank 2)").hasMessageContaining("give an axis in [-2, 1]");
        }
        forward(new Gather(-3), z(2, 3), z(2, 3)).hasMessageContaining("axis -3 is out of range for x of shape 2×3");
        forward(new IndexSelect(5), z(2, 3), v(0)).hasMessageContaining("axis 5 is out of range for x of shape 2×3");
        forward(new Softmax(0), Tensor.scalar(1)).hasMessageContaining("of shape () (rank 0)")
                .hasMessageContaining("a rank-0 tensor has no axes");
        forward(new Sum(new int[] {1, -1}, false), z(2, 3)).hasMessageContaining("axes [1, -1] name axis 1 twice")
                .hasMessageContaining("x of shape 2×3").hasMessageContaining("give each axis once");
        assertThatThrownBy(() -> new Mean(null, false)).hasMessageContaining("Mean: axes are null");
    }

    @Test
    void reshapeToAnotherSize() {
        forward(new Reshape(4, 2), z(2, 3)).hasMessageContaining("cannot reshape x of shape 2×3 (6 entries) to 4×2 (8 entries)")
                .hasMessageContaining("must hold the same number of entries (use -1 for one size to infer it)");
        forward(new Reshape(4, -1), z(2, 3)).hasMessageContaining("no size for the -1 makes 6 entries");
        assertThatThrownBy(() -> new Reshape(-1, -1)).hasMessageContaining("Reshape: [-1, -1] has 2 dimensions of -1");
        assertThatThrownBy(() -> new Reshape(2, -3)).hasMessageContaining("Reshape: dimension -3 in [2, -3] is negative");
    }

    @Test
    void permutationsThatAreNot() {
        forward(new Permute(0, 0, 1), z(2, 3, 4))
                .hasMessageContaining("axes [0, 0, 1] are not a permutation of the 3 axes of x of shape 2×3×4")
                .hasMessageContaining("give each of the axes 0…2 exactly once");
        forward(new Permute(1, 0), z(2, 3, 4)).hasMessageContaining("axes [1, 0] are not a permutation of the 3 axes");
        forward(new Permute(0, 3, 1), z(2, 3, 4)).hasMessageContaining("[0, 3, 1]");
    }

    @Test
    void slicesOutOfRange() {
        forward(new Slice(1, 2, 5), z(2, 4)).hasMessageContaining("[2, 5) along axis 1 is out of range for x of shape 2×4")
                .hasMessageContaining("axis 1 has 4 entries").hasMessageContaining("give 0 ≤ start ≤ end ≤ 4");
        assertThatThrownBy(() -> new Slice(0, 3, 2)).hasMessageContaining("Slice: [3, 2) along axis 0 is not a range")
                .hasMessageContaining("0 ≤ start ≤ end");
        assertThatThrownBy(() -> new Slice(0, -1, 2)).hasMessageContaining("Slice: [-1, 2)");
    }

    @Test
    void concatOfMismatchedShapes() {
        forward(new Concat(0), z(2, 3), z(1, 3), z(2, 4))
                .hasMessageContaining("input2 of shape 2×4 does not fit input0 of shape 2×3 along axis 0")
                .hasMessageContaining("same size on every axis but axis 0");
        forward(new Concat(-1), z(2, 3), z(2, 3, 1)).hasMessageContaining("input1 of shape 2×3×1 does not fit")
                .hasMessageContaining("the same rank");
        forward(new Concat(0)).hasMessageContaining("no inputs; give at least one tensor");
    }

    @Test
    void padOfAnotherRankOrNegative() {
        forward(new Pad(new int[] {1}, new int[] {0}, 0), z(2, 3))
                .hasMessageContaining("x of shape 2×3 has rank 2 but before [1] and after [0] pad 1 axes")
                .hasMessageContaining("one entry per axis of x");
        assertThatThrownBy(() -> new Pad(new int[] {1, -1}, new int[] {0, 0}, 0))
                .hasMessageContaining("Pad: before [1, -1] and after [0, 0] have a negative entry at axis 1")
                .hasMessageContaining("use Slice");
        assertThatThrownBy(() -> new Pad(new int[] {1}, new int[] {0, 0}, 0))
                .hasMessageContaining("Pad: before [1] and after [0, 0] must both be given, one entry per axis");
    }

    @Test
    void gatherIndicesOutOfRangeOrNotIntegers() {
        forward(new Gather(1), z(2, 3), Tensor.wrap(new int[] {2, 1}, new double[] {0, 3}))
                .hasMessageContaining("indices [1, 0] = 3 is out of range for axis 1 of x of shape 2×3")
                .hasMessageContaining("give indices in [0, 2]");
        forward(new Gather(0), z(2, 3), Tensor.wrap(new int[] {1, 2}, new double[] {0, 0.5}))
                .hasMessageContaining("indices [0, 1] = 0.5 is not an integer")
                .hasMessageContaining("whole numbers");
        forward(new Gather(0), z(2, 3), Tensor.wrap(new int[] {1, 1}, new double[] {-1}))
                .hasMessageContaining("indices [0, 0] = -1 is out of range");
        forward(new Gather(0), z(2, 3), z(6)).hasMessageContaining("indices of shape (6) do not fit x of shape 2×3")
                .hasMessageContaining("need the rank of x");
        forward(new Gather(0), z(2, 3), z(1, 4)).hasMessageContaining("indices of shape 1×4 do not fit x of shape 2×3")
                .hasMessageContaining("at most its size on every axis but 0");
    }

    @Test
    void indexSelectIndicesOutOfRangeOrNotIntegers() {
        forward(new IndexSelect(0), z(3, 2), v(0, 3)).hasMessageContaining("indices [1] = 3 is out of range")
                .hasMessageContaining("axis 0 of x of shape 3×2").hasMessageContaining("give indices in [0, 2]");
        forward(new IndexSelect(0), z(3, 2), v(1.5)).hasMessageContaining("indices [0] = 1.5 is not an integer");
        forward(new IndexSelect(0), z(3, 2), v(Double.NaN)).hasMessageContaining("= NaN is not an integer");
        forward(new IndexSelect(0), z(3, 2), z(2, 1)).hasMessageContaining("indices of shape 2×1 have rank 2")
                .hasMessageContaining("give a rank-1 tensor of indices");
    }

    @Test
    void constantsOfTheOps() {
        assertThatThrownBy(() -> new Pow(Double.NaN)).hasMessageContaining("Pow: the exponent must be finite, got NaN");
        assertThatThrownBy(() -> new Clamp(1, 0)).hasMessageContaining("Clamp: bounds [1.0, 0.0] are not an interval")
                .hasMessageContaining("lo ≤ hi");
        assertThatThrownBy(() -> new Clamp(Double.NaN, 0)).hasMessageContaining("Clamp: bounds");
    }

    @Test
    void wrongNumberOfInputs() {
        forward(new Add(), z(2)).hasMessageContaining("Add expects 2 inputs (a, b), got 1");
        forward(new Where(), z(2), z(2)).hasMessageContaining("Where expects 3 inputs (mask, a, b), got 2");
        forward(new Sum(new int[0], false), z(2), z(2)).hasMessageContaining("Sum expects 1 input (x), got 2");
        forward(new Gather(0), z(2)).hasMessageContaining("Gather expects 2 inputs (x, indices), got 1");
        forward(new Exp(), z(2), z(2)).hasMessageContaining("Exp expects 1 input (x), got 2");
    }
}
