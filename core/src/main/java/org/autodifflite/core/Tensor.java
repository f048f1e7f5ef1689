package org.autodifflite.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.autodifflite.core.kernel.MatMul;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * A dense two-dimensional array of doubles, stored row-major in one {@code double[]}.
 *
 * <p>Every value in autodiff-lite is a {@code Tensor}: a scalar is 1×1, a batch of samples is
 * features × batch (samples are columns), a weight is out × in and a bias out × 1. Arithmetic
 * returns new tensors and never modifies its operands; the few methods that do modify the tensor
 * they are called on say so in their name ({@code set}, {@code fill}, {@code addInPlace},
 * {@code copyFrom}) and exist so that optimizers and the checker can work without allocating.
 *
 * <p>Element-wise {@link #add}, {@link #subtract}, {@link #multiply} and {@link #divide}
 * broadcast in two dimensions: each dimension of the two operands must be equal or 1, so an
 * {@code n×1} column is applied to every column, a {@code 1×m} row to every row and a 1×1 scalar
 * to every entry. Any shape mismatch throws {@link IllegalArgumentException} naming the operation
 * and both shapes.
 */
public final class Tensor {

    private final int rows;
    private final int cols;
    private final double[] data;

    private Tensor(int rows, int cols, double[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    // ------------------------------------------------------------------ factories

    /**
     * Wraps a row-major array without copying it.
     *
     * @param rows number of rows (≥ 0)
     * @param cols number of columns (≥ 0)
     * @param data row-major values, {@code rows·cols} of them; the tensor keeps this array
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative or the length does not fit
     */
    public static Tensor wrap(int rows, int cols, double[] data) {
        Objects.requireNonNull(data, "data");
        requireDims("wrap", rows, cols);
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("wrap: shape " + shape(rows, cols) + " needs "
                    + (long) rows * cols + " values, got " + data.length);
        }
        return new Tensor(rows, cols, data);
    }

    /**
     * Copies a rectangular array of rows.
     *
     * @param values the rows; all of the same length
     * @return a new tensor of shape {@code values.length × values[0].length}
     * @throws IllegalArgumentException if the rows are ragged
     */
    public static Tensor of(double[]... values) {
        Objects.requireNonNull(values, "values");
        int r = values.length;
        int c = r == 0 ? 0 : values[0].length;
        double[] d = new double[r * c];
        for (int i = 0; i < r; i++) {
            if (values[i].length != c) {
                throw new IllegalArgumentException("of: row " + i + " has " + values[i].length
                        + " values but row 0 has " + c + "; rows must all be the same length");
            }
            System.arraycopy(values[i], 0, d, i * c, c);
        }
        return new Tensor(r, c, d);
    }

    /**
     * A 1×1 tensor.
     *
     * @param value its only entry
     * @return the scalar tensor
     */
    public static Tensor scalar(double value) {
        return new Tensor(1, 1, new double[] {value});
    }

    /**
     * A column vector (n×1).
     *
     * @param values the entries, top to bottom
     * @return a new {@code values.length × 1} tensor
     */
    public static Tensor column(double... values) {
        return new Tensor(values.length, 1, values.clone());
    }

    /**
     * A row vector (1×m).
     *
     * @param values the entries, left to right
     * @return a new {@code 1 × values.length} tensor
     */
    public static Tensor row(double... values) {
        return new Tensor(1, values.length, values.clone());
    }

    /**
     * A tensor of zeros.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return a new tensor filled with 0
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor zeros(int rows, int cols) {
        requireDims("zeros", rows, cols);
        return new Tensor(rows, cols, new double[rows * cols]);
    }

    /**
     * A tensor of ones.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return a new tensor filled with 1
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor ones(int rows, int cols) {
        return filled(rows, cols, 1.0);
    }

    /**
     * A tensor with every entry equal to {@code value}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param value the value of every entry
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor filled(int rows, int cols, double value) {
        requireDims("filled", rows, cols);
        double[] d = new double[rows * cols];
        Arrays.fill(d, value);
        return new Tensor(rows, cols, d);
    }

    /**
     * A tensor of zeros shaped like another.
     *
     * @param like the tensor whose shape to copy
     * @return a new tensor of zeros
     */
    public static Tensor zerosLike(Tensor like) {
        return new Tensor(like.rows, like.cols, new double[like.data.length]);
    }

    /**
     * Standard normal entries drawn from the given generator, row by row.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the generator (Commons Math), advanced by {@code rows·cols} draws
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor randn(int rows, int cols, RandomGenerator rng) {
        requireDims("randn", rows, cols);
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return new Tensor(rows, cols, d);
    }

    /**
     * Standard normal entries from a fresh {@link Well19937c} generator seeded with {@code seed}:
     * the same seed always gives the same tensor.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param seed the seed
     * @return a new tensor
     */
    public static Tensor randn(int rows, int cols, long seed) {
        return randn(rows, cols, new Well19937c(seed));
    }

    /**
     * Entries uniform in {@code [low, high)} drawn from the given generator, row by row.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param low smallest value
     * @param high bound above every value; greater than {@code low}
     * @param rng the generator
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative or {@code low ≥ high}
     */
    public static Tensor uniform(int rows, int cols, double low, double high, RandomGenerator rng) {
        requireDims("uniform", rows, cols);
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform: need low < high, got low=" + low + ", high=" + high);
        }
        double[] d = new double[rows * cols];
        for (int i = 0; i < d.length; i++) {
            d[i] = low + (high - low) * rng.nextDouble();
        }
        return new Tensor(rows, cols, d);
    }

    // ------------------------------------------------------------------ shape and access

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /** @return the number of columns */
    public int cols() {
        return cols;
    }

    /** @return the number of entries, {@code rows·cols} */
    public int size() {
        return data.length;
    }

    /** @return the shape as text, for example {@code 3×4} */
    public String shape() {
        return shape(rows, cols);
    }

    /**
     * @param other another tensor
     * @return whether both tensors have the same rows and columns
     */
    public boolean sameShape(Tensor other) {
        return rows == other.rows && cols == other.cols;
    }

    /** @return whether this tensor is 1×1 */
    public boolean isScalar() {
        return rows == 1 && cols == 1;
    }

    /**
     * The entry at a row and column.
     *
     * @param row row index
     * @param col column index
     * @return the value
     * @throws IndexOutOfBoundsException if the position is outside the tensor
     */
    public double get(int row, int col) {
        return data[index(row, col)];
    }

    /**
     * The entry at a flat row-major index.
     *
     * @param flatIndex {@code row·cols + col}
     * @return the value
     * @throws IndexOutOfBoundsException if the index is outside the tensor
     */
    public double get(int flatIndex) {
        return data[flatIndex];
    }

    /**
     * Sets one entry, in place.
     *
     * @param row row index
     * @param col column index
     * @param value the new value
     * @throws IndexOutOfBoundsException if the position is outside the tensor
     */
    public void set(int row, int col, double value) {
        data[index(row, col)] = value;
    }

    /**
     * Sets one entry by its flat row-major index, in place.
     *
     * @param flatIndex {@code row·cols + col}
     * @param value the new value
     * @throws IndexOutOfBoundsException if the index is outside the tensor
     */
    public void set(int flatIndex, double value) {
        data[flatIndex] = value;
    }

    /**
     * The value of a 1×1 tensor.
     *
     * @return the only entry
     * @throws IllegalStateException if the tensor is not 1×1
     */
    public double item() {
        if (!isScalar()) {
            throw new IllegalStateException("item: tensor is " + shape() + ", not a 1×1 scalar");
        }
        return data[0];
    }

    /**
     * The backing row-major array, not a copy. Meant for kernels and the checker, which must
     * not allocate per entry; writing to it changes this tensor.
     *
     * @return the live array of {@code rows·cols} values
     */
    public double[] data() {
        return data;
    }

    /** @return a copy of the values as an array of rows */
    public double[][] toArray() {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
        }
        return out;
    }

    /** @return an independent copy of this tensor */
    public Tensor copy() {
        return new Tensor(rows, cols, data.clone());
    }

    // ------------------------------------------------------------------ in-place updates

    /**
     * Overwrites every entry with the matching entry of {@code source}, in place.
     *
     * @param source a tensor of the same shape
     * @throws IllegalArgumentException if the shapes differ
     */
    public void copyFrom(Tensor source) {
        requireSameShape("copyFrom", this, source);
        System.arraycopy(source.data, 0, data, 0, data.length);
    }

    /**
     * Adds {@code other} entry by entry to this tensor, in place. This is how gradients are
     * accumulated: added, never assigned.
     *
     * @param other a tensor of the same shape
     * @throws IllegalArgumentException if the shapes differ
     */
    public void addInPlace(Tensor other) {
        requireSameShape("addInPlace", this, other);
        double[] o = other.data;
        for (int i = 0; i < data.length; i++) {
            data[i] += o[i];
        }
    }

    /**
     * Sets every entry to {@code value}, in place.
     *
     * @param value the new value of every entry
     */
    public void fill(double value) {
        Arrays.fill(data, value);
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * Matrix product {@code this · other}.
     *
     * @param other a tensor with as many rows as this one has columns
     * @return a new {@code rows × other.cols} tensor
     * @throws IllegalArgumentException if the inner dimensions differ
     */
    public Tensor matmul(Tensor other) {
        if (cols != other.rows) {
            throw new IllegalArgumentException("matmul: shapes " + shape() + " and " + other.shape()
                    + " do not chain: the left has " + cols + " columns but the right has "
                    + other.rows + " rows");
        }
        double[] out = new double[rows * other.cols];
        MatMul.gemm(data, 0, cols, 1, other.data, 0, other.cols, 1, out, 0, rows, cols, other.cols);
        return new Tensor(rows, other.cols, out);
    }

    /**
     * Matrix product {@code this · other} written into {@code out}: the same values, bit for
     * bit, as {@link #matmul(Tensor)}, without allocating the result. For callers that evaluate
     * the same product many times (an op's {@link Op#forwardInto}, the gradient checker).
     *
     * @param other a tensor with as many rows as this one has columns
     * @param out a {@code rows × other.cols} tensor, overwritten; it must not be this tensor or
     *     {@code other}
     * @throws IllegalArgumentException if the inner dimensions differ, {@code out} has the wrong
     *     shape, or {@code out} is one of the operands
     */
    public void matmulInto(Tensor other, Tensor out) {
        requireProduct("matmulInto", other, out);
        MatMul.gemm(data, 0, cols, 1, other.data, 0, other.cols, 1, out.data, 0, rows, cols, other.cols);
    }

    /**
     * Recomputes only the entries in rows {@code [rowFrom, rowTo)} and columns
     * {@code [colFrom, colTo)} of the product {@code this · other}, written into {@code out};
     * every other entry of {@code out} is left as it is. Each recomputed entry equals, bit for
     * bit, the same entry of {@link #matmul(Tensor)}. When one entry {@code (r, c)} of this
     * tensor changes, only row {@code r} of the product changes; when one entry {@code (r, c)} of
     * {@code other} changes, only column {@code c}: an op can then redo a single row or column
     * instead of the whole product (see {@link Op#forwardEntriesInto}).
     *
     * @param other a tensor with as many rows as this one has columns
     * @param out a {@code rows × other.cols} tensor, updated in place; not an operand
     * @param rowFrom the first row to recompute
     * @param rowTo one past the last row
     * @param colFrom the first column to recompute
     * @param colTo one past the last column
     * @throws IllegalArgumentException if the shapes do not fit, {@code out} is an operand, or
     *     the ranges are not within the product's rows and columns
     */
    public void matmulRegionInto(Tensor other, Tensor out, int rowFrom, int rowTo, int colFrom, int colTo) {
        requireProduct("matmulRegionInto", other, out);
        if (rowFrom < 0 || rowFrom > rowTo || rowTo > rows || colFrom < 0 || colFrom > colTo || colTo > other.cols) {
            throw new IllegalArgumentException("matmulRegionInto: rows [" + rowFrom + ", " + rowTo + ") and columns ["
                    + colFrom + ", " + colTo + ") are not within the " + shape(rows, other.cols)
                    + " product; give 0 ≤ from ≤ to ≤ size");
        }
        MatMul.region(data, other.data, out.data, rows, cols, other.cols, rowFrom, rowTo, colFrom, colTo);
    }

    private void requireProduct(String op, Tensor other, Tensor out) {
        if (cols != other.rows) {
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                    + " do not chain: the left has " + cols + " columns but the right has "
                    + other.rows + " rows");
        }
        if (out.rows != rows || out.cols != other.cols) {
            throw new IllegalArgumentException(op + ": out is " + out.shape() + " but " + shape() + " · "
                    + other.shape() + " is " + shape(rows, other.cols) + "; pass an output of that shape");
        }
        if (out.data == data || out.data == other.data) {
            throw new IllegalArgumentException(op + ": out is one of the operands; pass a separate output tensor");
        }
    }

    /**
     * Which matrix kernel this JVM uses, for logs and bug reports: {@code "vector-512, 2
     * threads"} when {@code jdk.incubator.vector} is present (run with {@code --add-modules
     * jdk.incubator.vector}), {@code "scalar, …"} otherwise. Chosen once, when the first
     * product is taken; results never depend on the thread count.
     *
     * @return the kernel's name and the number of threads large products are split between
     */
    public static String matmulKernel() {
        int threads = MatMul.threads();
        return MatMul.kernelName() + ", " + threads + (threads == 1 ? " thread" : " threads");
    }

    /**
     * Matrix product {@code thisᵀ · other} without forming the transpose: the gradient of a
     * weight's input, {@code Wᵀ·dZ}, in one pass.
     *
     * @param other a tensor with as many rows as this one has
     * @return a new {@code cols × other.cols} tensor
     * @throws IllegalArgumentException if the row counts differ
     */
    public Tensor matmulTransposeLeft(Tensor other) {
        if (rows != other.rows) {
            throw new IllegalArgumentException("matmulTransposeLeft: shapes " + shape() + " and "
                    + other.shape() + " do not chain as aᵀ·b: a has " + rows + " rows but b has "
                    + other.rows + "; both need the same number of rows");
        }
        double[] out = new double[cols * other.cols];
        MatMul.gemm(data, 0, 1, cols, other.data, 0, other.cols, 1, out, 0, cols, rows, other.cols);
        return new Tensor(cols, other.cols, out);
    }

    /**
     * Matrix product {@code this · otherᵀ} without forming the transpose: the gradient of a
     * weight, {@code dZ·Xᵀ}, in one pass.
     *
     * @param other a tensor with as many columns as this one has
     * @return a new {@code rows × other.rows} tensor
     * @throws IllegalArgumentException if the column counts differ
     */
    public Tensor matmulTransposeRight(Tensor other) {
        if (cols != other.cols) {
            throw new IllegalArgumentException("matmulTransposeRight: shapes " + shape() + " and "
                    + other.shape() + " do not chain as a·bᵀ: a has " + cols + " columns but b has "
                    + other.cols + "; both need the same number of columns");
        }
        double[] out = new double[rows * other.rows];
        MatMul.gemm(data, 0, cols, 1, other.data, 0, 1, cols, out, 0, rows, cols, other.rows);
        return new Tensor(rows, other.rows, out);
    }

    /** @return a new tensor, the transpose ({@code cols × rows}) of this one */
    public Tensor transpose() {
        double[] out = new double[data.length];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = data[base + j];
            }
        }
        return new Tensor(cols, rows, out);
    }

    /**
     * Element-wise sum, broadcasting an {@code n×1}, {@code 1×m} or 1×1 operand.
     *
     * @param other the other operand
     * @return a new tensor
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor add(Tensor other) {
        return broadcast("add", other, Double::sum);
    }

    /**
     * Element-wise difference {@code this − other}, with broadcasting as in {@link #add}.
     *
     * @param other the operand subtracted
     * @return a new tensor
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor subtract(Tensor other) {
        return broadcast("subtract", other, (a, b) -> a - b);
    }

    /**
     * Element-wise (Hadamard) product, with broadcasting as in {@link #add}.
     *
     * @param other the other factor
     * @return a new tensor
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor multiply(Tensor other) {
        return broadcast("multiply", other, (a, b) -> a * b);
    }

    /**
     * Element-wise quotient {@code this / other}, with broadcasting as in {@link #add}.
     * Division by zero follows IEEE arithmetic (infinities and NaN), as everywhere else.
     *
     * @param other the divisor
     * @return a new tensor
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor divide(Tensor other) {
        return broadcast("divide", other, (a, b) -> a / b);
    }

    /**
     * Combines two tensors entry by entry with any function, with broadcasting as in
     * {@link #add}.
     *
     * @param operation name used in error messages
     * @param other the second operand
     * @param f the function of (entry of this, entry of other)
     * @return a new tensor
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor zip(String operation, Tensor other, DoubleBinaryOperator f) {
        return broadcast(operation, other, f);
    }

    /**
     * Multiplies every entry by a number.
     *
     * @param factor the factor
     * @return a new tensor
     */
    public Tensor scale(double factor) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] * factor;
        }
        return new Tensor(rows, cols, out);
    }

    /**
     * Applies a function to every entry.
     *
     * @param f the function
     * @return a new tensor
     */
    public Tensor map(DoubleUnaryOperator f) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(data[i]);
        }
        return new Tensor(rows, cols, out);
    }

    /**
     * Selects columns (samples) by index, in the order given; used to cut mini-batches.
     *
     * @param indices column indices, each in {@code [0, cols)}; repeats allowed
     * @return a new {@code rows × indices.length} tensor
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Tensor selectColumns(int... indices) {
        double[] out = new double[rows * indices.length];
        for (int k = 0; k < indices.length; k++) {
            int j = indices[k];
            if (j < 0 || j >= cols) {
                throw new IndexOutOfBoundsException("selectColumns: column " + j
                        + " is outside a tensor of shape " + shape());
            }
            for (int i = 0; i < rows; i++) {
                out[i * indices.length + k] = data[i * cols + j];
            }
        }
        return new Tensor(rows, indices.length, out);
    }

    // ------------------------------------------------------------------ reductions

    /** @return the sum of all entries */
    public double sum() {
        double s = 0;
        for (double v : data) {
            s += v;
        }
        return s;
    }

    /** @return a new {@code rows × 1} column holding the sum of each row */
    public Tensor sumRows() {
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                s += data[base + j];
            }
            out[i] = s;
        }
        return new Tensor(rows, 1, out);
    }

    /** @return a new {@code 1 × cols} row holding the sum of each column */
    public Tensor sumCols() {
        double[] out = new double[cols];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += data[base + j];
            }
        }
        return new Tensor(1, cols, out);
    }

    /**
     * The sum of the products of matching entries (the Frobenius inner product).
     *
     * @param other a tensor of the same shape
     * @return {@code Σ this[i]·other[i]}
     * @throws IllegalArgumentException if the shapes differ
     */
    public double dot(Tensor other) {
        requireSameShape("dot", this, other);
        double s = 0;
        for (int i = 0; i < data.length; i++) {
            s += data[i] * other.data[i];
        }
        return s;
    }

    /** @return the Euclidean (Frobenius) norm, {@code sqrt(Σ x²)} */
    public double norm() {
        return Math.sqrt(dot(this));
    }

    /** @return the largest absolute entry, 0 for an empty tensor, NaN if any entry is NaN */
    public double maxAbs() {
        double m = 0;
        for (double v : data) {
            if (Double.isNaN(v)) {
                return Double.NaN;
            }
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** @return whether every entry is finite (no NaN, no infinity) */
    public boolean isFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ comparison

    /**
     * Approximate equality: same shape, and every pair of entries within
     * {@code tolerance · max(1, |a|, |b|)} (absolute near zero, relative for large values).
     * NaN equals nothing.
     *
     * @param other the tensor to compare with
     * @param tolerance the allowed difference, ≥ 0
     * @return whether the tensors agree within the tolerance
     */
    public boolean approxEquals(Tensor other, double tolerance) {
        if (!sameShape(other)) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            double a = data[i];
            double b = other.data[i];
            double scale = Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)));
            if (!(Math.abs(a - b) <= tolerance * scale)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Exact equality: same shape and the same bits in every entry (so NaN equals NaN, and
     * 0.0 differs from -0.0).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Tensor)) {
            return false;
        }
        Tensor t = (Tensor) o;
        return rows == t.rows && cols == t.cols && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    /**
     * Shape and values; large tensors show their first and last three rows and columns.
     */
    @Override
    public String toString() {
        final int edge = 3;
        StringBuilder sb = new StringBuilder("Tensor ").append(shape()).append(" [");
        for (int i = 0; i < rows; i++) {
            if (rows > 2 * edge && i == edge) {
                sb.append("\n  ...");
                i = rows - edge - 1;
                continue;
            }
            sb.append(i == 0 ? "[" : "\n  [");
            for (int j = 0; j < cols; j++) {
                if (cols > 2 * edge && j == edge) {
                    sb.append("..., ");
                    j = cols - edge - 1;
                    continue;
                }
                sb.append(data[i * cols + j]);
                if (j < cols - 1) {
                    sb.append(", ");
                }
            }
            sb.append(']');
        }
        return sb.append(']').toString();
    }

    // ------------------------------------------------------------------ shared checks

    /**
     * Throws unless two tensors have the same shape; the message names the operation and both
     * shapes. Ops use it to validate their inputs.
     *
     * @param operation the name used in the message, for example {@code "Linear: X and W"}
     * @param a the first tensor
     * @param b the second tensor
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void requireSameShape(String operation, Tensor a, Tensor b) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(operation + ": shapes " + a.shape() + " and "
                    + b.shape() + " differ; they must be equal");
        }
    }

    /**
     * Formats a shape as {@code rows×cols}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return the text
     */
    public static String shape(int rows, int cols) {
        return rows + "×" + cols;
    }

    private Tensor broadcast(String op, Tensor other, DoubleBinaryOperator f) {
        int r = broadcastDim(op, other, rows, other.rows);
        int c = broadcastDim(op, other, cols, other.cols);
        double[] a = data;
        double[] b = other.data;
        double[] out = new double[r * c];
        if (sameShape(other)) {
            for (int i = 0; i < out.length; i++) {
                out[i] = f.applyAsDouble(a[i], b[i]);
            }
            return new Tensor(r, c, out);
        }
        // Stride 0 along a dimension of size 1 repeats it: one loop serves every broadcast case.
        int ars = rows == 1 ? 0 : cols;
        int acs = cols == 1 ? 0 : 1;
        int brs = other.rows == 1 ? 0 : other.cols;
        int bcs = other.cols == 1 ? 0 : 1;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[i * c + j] = f.applyAsDouble(a[i * ars + j * acs], b[i * brs + j * bcs]);
            }
        }
        return new Tensor(r, c, out);
    }

    private int broadcastDim(String op, Tensor other, int mine, int theirs) {
        if (mine == theirs || theirs == 1) {
            return mine;
        }
        if (mine == 1) {
            return theirs;
        }
        throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                + " do not broadcast; each dimension must be equal or 1 (an n×1 column, a 1×m row"
                + " or a 1×1 scalar)");
    }

    private int index(int row, int col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col
                    + ") is outside a tensor of shape " + shape());
        }
        return row * cols + col;
    }

    private static void requireDims(String op, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(op + ": dimensions must be ≥ 0, got " + shape(rows, cols));
        }
        if ((long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": shape " + shape(rows, cols) + " is too large");
        }
    }
}
