package org.autodifflite.core;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.autodifflite.core.kernel.MatMul;

/**
 * A dense N-dimensional array of doubles, stored row-major (the last axis varies fastest) in
 * one {@code double[]}.
 *
 * <p>Every value in autodiff-lite is a {@code Tensor}. Its shape ({@link #dims()}) is fixed when
 * it is made; its entries are not: arithmetic returns new tensors and never modifies its
 * operands, and the few methods that do modify the tensor they are called on say so in their
 * name ({@code set}, {@code setAt}, {@code fill}, {@code addInPlace}, {@code copyFrom}) and exist
 * so that optimizers and the checker can work without allocating. Shape operations
 * ({@link #reshape}, {@link #permute}, {@link #slice}, …) return copies, never views.
 *
 * <p><b>Ranks.</b> A rank-0 tensor holds one number ({@link #scalar}); a rank-1 tensor is a
 * vector ({@link #vector}); the multilayer perceptrons of the walkthrough use rank 2 with samples
 * as columns (a batch is features × batch, a weight out × in, a bias out × 1). Shapes are written
 * {@code 2×3×4} for rank ≥ 2 (so a matrix is {@code 3×4}), {@code (5)} for rank 1 and {@code ()}
 * for rank 0. The methods named after rows and columns ({@link #rows}, {@link #get(int, int)},
 * {@link #transpose()}, {@link #sumRows}, …) need rank 2 and say what to use instead otherwise.
 * Batched matrix products take the batch axes first: {@code (…, n, k)·(…, k, m)}.
 *
 * <p><b>Broadcasting.</b> Element-wise {@link #add}, {@link #subtract}, {@link #multiply},
 * {@link #divide}, {@link #minimum}, {@link #maximum} and {@link #zip} follow NumPy's rule: the
 * shapes are aligned from the right and each pair of axes must be equal or contain a 1, which is
 * repeated (a missing leading axis counts as 1). So an {@code n×1} column applies to every
 * column, a {@code 1×m} row to every row and a scalar to every entry. {@link #sumTo} is the
 * inverse, for backward passes: it sums a broadcast gradient back to an operand's shape. Any
 * shape mismatch throws {@link IllegalArgumentException} naming the operation, both shapes and
 * the failing axis.
 *
 * <p><b>Axes</b> may be given negative, counting from the end as in NumPy ({@code −1} is the
 * last axis).
 */
public final class Tensor {

    private static final int[] RANK0 = {};

    /** The shape; never modified, so tensors of the same shape may share it. */
    private final int[] dims;
    private final double[] data;

    private Tensor(int[] dims, double[] data) {
        this.dims = dims;
        this.data = data;
    }

    private static Tensor matrix(int rows, int cols, double[] data) {
        return new Tensor(new int[] {rows, cols}, data);
    }

    // ------------------------------------------------------------------ factories: matrices

    /**
     * Wraps a row-major array as a matrix without copying it.
     *
     * @param rows number of rows (≥ 0)
     * @param cols number of columns (≥ 0)
     * @param data row-major values, {@code rows·cols} of them; the tensor keeps this array
     * @return the rows × cols tensor
     * @throws IllegalArgumentException if a dimension is negative or the length does not fit
     */
    public static Tensor wrap(int rows, int cols, double[] data) {
        return wrapOwned("wrap", new int[] {rows, cols}, data);
    }

    /**
     * Copies a rectangular array of rows into a matrix.
     *
     * @param values the rows; all of the same length
     * @return a new tensor of shape {@code values.length × values[0].length} (0×0 for no rows)
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
        return matrix(r, c, d);
    }

    /**
     * A column vector (n×1).
     *
     * @param values the entries, top to bottom
     * @return a new {@code values.length × 1} tensor
     */
    public static Tensor column(double... values) {
        return matrix(values.length, 1, values.clone());
    }

    /**
     * A row vector (1×m).
     *
     * @param values the entries, left to right
     * @return a new {@code 1 × values.length} tensor
     */
    public static Tensor row(double... values) {
        return matrix(1, values.length, values.clone());
    }

    /**
     * A matrix with every entry equal to {@code value}; {@link #full} makes any shape.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param value the value of every entry
     * @return a new rows × cols tensor
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor filled(int rows, int cols, double value) {
        return fullOwned("filled", value, new int[] {rows, cols});
    }

    /**
     * A matrix of standard normal entries drawn from the given generator, row by row.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the generator (Commons Math), advanced by {@code rows·cols} draws
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor randn(int rows, int cols, RandomGenerator rng) {
        return randnOwned(new int[] {rows, cols}, rng);
    }

    /**
     * A matrix of standard normal entries from a fresh {@link Well19937c} generator seeded with
     * {@code seed}: the same seed always gives the same tensor.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param seed the seed
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Tensor randn(int rows, int cols, long seed) {
        return randnOwned(new int[] {rows, cols}, seeded(seed));
    }

    /**
     * A matrix of entries uniform in {@code [low, high)} drawn from the given generator, row by
     * row.
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
        return uniformOwned(new int[] {rows, cols}, low, high, rng);
    }

    // ------------------------------------------------------------------ factories: any shape

    /**
     * Wraps a row-major array as a tensor of any shape without copying it.
     *
     * @param dims the shape (copied); {@code new int[0]} for a scalar
     * @param data row-major values, as many as the shape has entries; the tensor keeps this array
     * @return the tensor
     * @throws IllegalArgumentException if a dimension is negative or the length does not fit
     */
    public static Tensor wrap(int[] dims, double[] data) {
        return wrapOwned("wrap", dims.clone(), data);
    }

    /**
     * A rank-0 tensor: one number, of shape {@code ()}. It broadcasts against any shape, and
     * {@link #item()} reads it back.
     *
     * @param value its only entry
     * @return the scalar tensor
     */
    public static Tensor scalar(double value) {
        return new Tensor(RANK0, new double[] {value});
    }

    /**
     * A rank-1 tensor (a vector).
     *
     * @param values the entries (copied)
     * @return a new tensor of shape {@code (values.length)}
     */
    public static Tensor vector(double... values) {
        return new Tensor(new int[] {values.length}, values.clone());
    }

    /**
     * A tensor of zeros.
     *
     * @param dims the shape, for example {@code zeros(2, 3)}; none for a scalar
     * @return a new tensor filled with 0
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    public static Tensor zeros(int... dims) {
        int[] d = dims.clone();
        return new Tensor(d, new double[Shapes.size("zeros", d)]);
    }

    /**
     * A tensor of ones.
     *
     * @param dims the shape
     * @return a new tensor filled with 1
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    public static Tensor ones(int... dims) {
        return fullOwned("ones", 1.0, dims.clone());
    }

    /**
     * A tensor with every entry equal to {@code value}.
     *
     * @param value the value of every entry
     * @param dims the shape
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    public static Tensor full(double value, int... dims) {
        return fullOwned("full", value, dims.clone());
    }

    /**
     * A tensor of zeros shaped like another.
     *
     * @param like the tensor whose shape to copy
     * @return a new tensor of zeros
     */
    public static Tensor zerosLike(Tensor like) {
        return new Tensor(like.dims, new double[like.data.length]);
    }

    /**
     * A tensor of ones shaped like another.
     *
     * @param like the tensor whose shape to copy
     * @return a new tensor of ones
     */
    public static Tensor onesLike(Tensor like) {
        return fullLike(like, 1.0);
    }

    /**
     * A tensor shaped like another with every entry equal to {@code value}.
     *
     * @param like the tensor whose shape to copy
     * @param value the value of every entry
     * @return a new tensor
     */
    public static Tensor fullLike(Tensor like, double value) {
        double[] d = new double[like.data.length];
        Arrays.fill(d, value);
        return new Tensor(like.dims, d);
    }

    /**
     * Standard normal entries drawn from the given generator in row-major order, so that
     * {@code randn(new int[] {r, c}, rng)} equals {@code randn(r, c, rng)}.
     *
     * @param dims the shape
     * @param rng the generator, advanced by one draw per entry
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    public static Tensor randn(int[] dims, RandomGenerator rng) {
        return randnOwned(dims.clone(), rng);
    }

    /**
     * Standard normal entries from a fresh {@link Well19937c} generator seeded with
     * {@code seed}, in row-major order: {@code randn(new int[] {r, c}, seed)} equals
     * {@code randn(r, c, seed)}.
     *
     * @param dims the shape
     * @param seed the seed
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative or the shape is too large
     */
    public static Tensor randn(int[] dims, long seed) {
        return randnOwned(dims.clone(), seeded(seed));
    }

    /**
     * Entries uniform in {@code [low, high)} drawn from the given generator in row-major order.
     *
     * @param dims the shape
     * @param low smallest value
     * @param high bound above every value; greater than {@code low}
     * @param rng the generator, advanced by one draw per entry
     * @return a new tensor
     * @throws IllegalArgumentException if a dimension is negative, the shape is too large or
     *     {@code low ≥ high}
     */
    public static Tensor uniform(int[] dims, double low, double high, RandomGenerator rng) {
        return uniformOwned(dims.clone(), low, high, rng);
    }

    /**
     * The numbers {@code 0, 1, …, n−1} as a vector, for index arithmetic and tests.
     *
     * @param n how many, ≥ 0
     * @return a new tensor of shape {@code (n)}
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static Tensor arange(int n) {
        int[] d = {n};
        double[] v = new double[Shapes.size("arange", d)];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return new Tensor(d, v);
    }

    // The *Owned factories take a shape array no caller keeps, so it need not be copied again.

    private static Tensor wrapOwned(String op, int[] dims, double[] data) {
        Objects.requireNonNull(data, "data");
        int n = Shapes.size(op, dims);
        if (n != data.length) {
            throw new IllegalArgumentException(op + ": shape " + Shapes.format(dims) + " needs " + n
                    + " values, got " + data.length);
        }
        return new Tensor(dims, data);
    }

    private static Tensor fullOwned(String op, double value, int[] dims) {
        double[] d = new double[Shapes.size(op, dims)];
        Arrays.fill(d, value);
        return new Tensor(dims, d);
    }

    /**
     * One generator per thread for the seeded factories. Building a {@link Well19937c} (its
     * index tables, 624 words of state) costs far more than drawing a small tensor: the seed
     * net's checkGraph draws one upstream gradient per node, and the constructors took a
     * quarter of its time.
     */
    private static final ThreadLocal<Well19937c> SEEDED = ThreadLocal.withInitial(() -> new Well19937c(0L));

    /**
     * @param seed the seed
     * @return this thread's generator, reseeded: {@code setSeed} sets the state, the index and
     *     the cached Gaussian exactly as {@code new Well19937c(seed)} would, so it draws the same
     *     numbers (TensorTest pins it); valid until this thread's next call
     */
    private static Well19937c seeded(long seed) {
        Well19937c g = SEEDED.get();
        g.setSeed(seed);
        return g;
    }

    private static Tensor randnOwned(int[] dims, RandomGenerator rng) {
        double[] d = new double[Shapes.size("randn", dims)];
        for (int i = 0; i < d.length; i++) {
            d[i] = rng.nextGaussian();
        }
        return new Tensor(dims, d);
    }

    private static Tensor uniformOwned(int[] dims, double low, double high, RandomGenerator rng) {
        int n = Shapes.size("uniform", dims);
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform: need low < high, got low=" + low + ", high=" + high);
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = low + (high - low) * rng.nextDouble();
        }
        return new Tensor(dims, d);
    }

    // ------------------------------------------------------------------ shape

    /** @return the number of axes: 0 for a scalar, 1 for a vector, 2 for a matrix, … */
    public int rank() {
        return dims.length;
    }

    /** @return a copy of the shape, one length per axis */
    public int[] dims() {
        return dims.clone();
    }

    /**
     * The length of one axis.
     *
     * @param axis the axis; negative counts from the end ({@code −1} is the last)
     * @return its length
     * @throws IllegalArgumentException if there is no such axis
     */
    public int dim(int axis) {
        return dims[Shapes.axis("dim", axis, dims)];
    }

    /** @return the number of entries, the product of the shape (1 for a scalar) */
    public int size() {
        return data.length;
    }

    /**
     * @return the number of rows of a matrix
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public int rows() {
        requireMatrix("rows()", "use dim(axis)");
        return dims[0];
    }

    /**
     * @return the number of columns of a matrix
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public int cols() {
        requireMatrix("cols()", "use dim(axis)");
        return dims[1];
    }

    /** @return the shape as text: {@code 3×4}, {@code 2×3×4}, {@code (5)} or {@code ()} */
    public String shape() {
        return Shapes.format(dims);
    }

    /**
     * @param other another tensor
     * @return whether both tensors have the same shape (rank and every axis)
     */
    public boolean sameShape(Tensor other) {
        // A loop, not Arrays.equals: every forward into a buffer and every copyFrom asks this,
        // and for ranks of 1 to 4 the JDK's vectorized mismatch costs several times the loop
        // (7 % of a small net's gradient check, measured with JFR).
        int[] a = dims;
        int[] b = other.dims;
        if (a == b) {
            return true;
        }
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return whether this tensor holds exactly one entry, whatever its rank: {@code ()},
     *     {@code (1)}, 1×1, 1×1×1, …
     */
    public boolean isScalar() {
        return data.length == 1;
    }

    /**
     * Formats a shape as {@link #shape()} does: {@code 2×3×4}, {@code 3×4}, {@code (5)} or
     * {@code ()}. (For the empty shape pass {@code new int[0]}: a bare {@code shape()} is the
     * instance method.)
     *
     * @param dims the shape
     * @return the text
     */
    public static String shape(int... dims) {
        return Shapes.format(dims);
    }

    /**
     * The shape two shapes broadcast to by NumPy's rule: aligned from the right, each pair of
     * axes equal or one of them 1 (a missing axis counts as 1).
     *
     * @param op the operation, named in the error message
     * @param a one shape
     * @param b the other shape
     * @return the broadcast shape, of rank {@code max(a.length, b.length)}
     * @throws IllegalArgumentException if they do not broadcast; the message names the
     *     operation, both shapes and the failing axis, for example {@code add: shapes 2×3 and
     *     4×3 do not broadcast: axis 0 has 2 and 4; aligned from the right, each axis must be
     *     equal or 1}
     */
    public static int[] broadcastShape(String op, int[] a, int[] b) {
        return Shapes.broadcast(op, a, b);
    }

    // ------------------------------------------------------------------ entries

    /**
     * The entry at a row and column of a matrix.
     *
     * @param row row index
     * @param col column index
     * @return the value
     * @throws IndexOutOfBoundsException if the position is outside the tensor
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public double get(int row, int col) {
        return data[index("get(row, col)", row, col)];
    }

    /**
     * The entry at a flat row-major index.
     *
     * @param flatIndex the position in {@link #data()}, for a matrix {@code row·cols + col}
     * @return the value
     * @throws IndexOutOfBoundsException if the index is outside the tensor
     */
    public double get(int flatIndex) {
        return data[flatIndex];
    }

    /**
     * Sets one entry of a matrix, in place.
     *
     * @param row row index
     * @param col column index
     * @param value the new value
     * @throws IndexOutOfBoundsException if the position is outside the tensor
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public void set(int row, int col, double value) {
        data[index("set(row, col, value)", row, col)] = value;
    }

    /**
     * Sets one entry by its flat row-major index, in place.
     *
     * @param flatIndex the position in {@link #data()}
     * @param value the new value
     * @throws IndexOutOfBoundsException if the index is outside the tensor
     */
    public void set(int flatIndex, double value) {
        data[flatIndex] = value;
    }

    /**
     * The entry at an index tuple, one index per axis.
     *
     * @param index the indices, {@code 0 ≤ index[i] < dim(i)}; none for a scalar
     * @return the value
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range; the message names the tuple
     *     and the shape
     */
    public double at(int... index) {
        return data[flat("at", index)];
    }

    /**
     * Sets the entry at an index tuple, in place.
     *
     * @param value the new value
     * @param index the indices, one per axis
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public void setAt(double value, int... index) {
        data[flat("setAt", index)] = value;
    }

    /**
     * The flat row-major position of an index tuple: the index into {@link #data()}.
     *
     * @param index the indices, one per axis
     * @return {@code Σ index[i]·stride[i]}
     * @throws IllegalArgumentException if the number of indices is not the rank
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public int flatIndex(int... index) {
        return flat("flatIndex", index);
    }

    /**
     * The index tuple of a flat row-major position: the inverse of {@link #flatIndex}.
     *
     * @param flat a position in {@code [0, size())}
     * @return a new array with one index per axis
     * @throws IndexOutOfBoundsException if the position is outside the tensor
     */
    public int[] unravel(int flat) {
        if (flat < 0 || flat >= data.length) {
            throw new IndexOutOfBoundsException("unravel: flat index " + flat + " is outside a tensor of shape "
                    + shape() + " (" + data.length + " entries)");
        }
        return Shapes.unravel(dims, flat);
    }

    /**
     * The value of a tensor with a single entry, whatever its rank.
     *
     * @return the only entry
     * @throws IllegalStateException if the tensor does not have exactly one entry
     */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item: tensor is " + shape() + ", not a scalar (it needs exactly one"
                    + " entry; reduce it first, e.g. with sum() or mean)");
        }
        return data[0];
    }

    /**
     * The backing row-major array, not a copy. Meant for kernels and the checker, which must
     * not allocate per entry; writing to it changes this tensor.
     *
     * @return the live array of {@link #size()} values
     */
    public double[] data() {
        return data;
    }

    /**
     * @return a copy of a matrix's values as an array of rows
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public double[][] toArray() {
        requireMatrix("toArray()", "use data(), or reshape(rows, cols) first");
        int rows = dims[0];
        int cols = dims[1];
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
        }
        return out;
    }

    /** @return an independent copy of this tensor */
    public Tensor copy() {
        return new Tensor(dims, data.clone());
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

    // ------------------------------------------------------------------ element-wise, broadcasting

    /**
     * Element-wise sum, broadcasting by NumPy's rule (see the class comment).
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor add(Tensor other) {
        return broadcast("add", other, Double::sum);
    }

    /**
     * Element-wise difference {@code this − other}, broadcasting as {@link #add} does.
     *
     * @param other the operand subtracted
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor subtract(Tensor other) {
        return broadcast("subtract", other, (a, b) -> a - b);
    }

    /**
     * Element-wise (Hadamard) product, broadcasting as {@link #add} does.
     *
     * @param other the other factor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor multiply(Tensor other) {
        return broadcast("multiply", other, (a, b) -> a * b);
    }

    /**
     * Element-wise quotient {@code this / other}, broadcasting as {@link #add} does. Division by
     * zero follows IEEE arithmetic (infinities and NaN), as everywhere else.
     *
     * @param other the divisor
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor divide(Tensor other) {
        return broadcast("divide", other, (a, b) -> a / b);
    }

    /**
     * Element-wise minimum, broadcasting as {@link #add} does; NaN wins, as in
     * {@link Math#min(double, double)}.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor minimum(Tensor other) {
        return broadcast("minimum", other, Math::min);
    }

    /**
     * Element-wise maximum, broadcasting as {@link #add} does; NaN wins, as in
     * {@link Math#max(double, double)}.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor maximum(Tensor other) {
        return broadcast("maximum", other, Math::max);
    }

    /**
     * Combines two tensors entry by entry with any function, broadcasting as {@link #add} does.
     *
     * @param operation name used in error messages
     * @param other the second operand
     * @param f the function of (entry of this, entry of other)
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor zip(String operation, Tensor other, DoubleBinaryOperator f) {
        return broadcast(operation, other, f);
    }

    private Tensor broadcast(String op, Tensor other, DoubleBinaryOperator f) {
        double[] a = data;
        double[] b = other.data;
        if (Arrays.equals(dims, other.dims)) {
            double[] out = new double[a.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = f.applyAsDouble(a[i], b[i]);
            }
            return new Tensor(dims, out);
        }
        int[] shape = Shapes.broadcast(op, dims, other.dims);
        double[] out = new double[Shapes.size(op, shape)];
        if (out.length > 0) {
            Strided.zip(shape, a, Shapes.broadcastStrides(dims, shape), b,
                    Shapes.broadcastStrides(other.dims, shape), out, f);
        }
        return new Tensor(shape, out);
    }

    // ------------------------------------------------------------------ element-wise, one operand

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
        return new Tensor(dims, out);
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
        return new Tensor(dims, out);
    }

    /** @return a new tensor, {@code −x} for every entry */
    public Tensor negate() {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = -data[i];
        }
        return new Tensor(dims, out);
    }

    /** @return a new tensor, {@code eˣ} for every entry */
    public Tensor exp() {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(data[i]);
        }
        return new Tensor(dims, out);
    }

    /** @return a new tensor, the natural logarithm of every entry (NaN below 0, −∞ at 0) */
    public Tensor log() {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.log(data[i]);
        }
        return new Tensor(dims, out);
    }

    /** @return a new tensor, the square root of every entry (NaN below 0) */
    public Tensor sqrt() {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sqrt(data[i]);
        }
        return new Tensor(dims, out);
    }

    /** @return a new tensor, {@code |x|} for every entry */
    public Tensor abs() {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(data[i]);
        }
        return new Tensor(dims, out);
    }

    /**
     * Raises every entry to a power, as {@link Math#pow(double, double)}.
     *
     * @param exponent the exponent
     * @return a new tensor
     */
    public Tensor pow(double exponent) {
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.pow(data[i], exponent);
        }
        return new Tensor(dims, out);
    }

    /**
     * Limits every entry to {@code [lo, hi]}; NaN entries stay NaN.
     *
     * @param lo the smallest value kept
     * @param hi the largest value kept, ≥ {@code lo}
     * @return a new tensor
     * @throws IllegalArgumentException if {@code lo > hi} or a bound is NaN
     */
    public Tensor clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: need lo ≤ hi, got lo=" + lo + ", hi=" + hi);
        }
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.min(Math.max(data[i], lo), hi);
        }
        return new Tensor(dims, out);
    }

    // ------------------------------------------------------------------ matrix products

    /**
     * Matrix product {@code this · other}. For two matrices, n×k · k×m gives n×m. For tensors of
     * rank ≥ 3 (the other may be a matrix) the product is batched over the leading axes:
     * {@code (…, n, k)·(…, k, m)} gives {@code (…, n, m)}, the batch axes broadcasting by NumPy's
     * rule, so a matrix multiplies every matrix of a batch without being copied. Each matrix of
     * the result equals, bit for bit, the 2-D product of the matching matrices.
     *
     * @param other a tensor whose matrices have as many rows as this one's have columns
     * @return a new tensor
     * @throws IllegalArgumentException if an operand has rank below 2, the inner dimensions
     *     differ, or the batch axes do not broadcast; the message names both shapes and the axis
     */
    public Tensor matmul(Tensor other) {
        if (dims.length == 2 && other.dims.length == 2) {
            int rows = dims[0];
            int cols = dims[1];
            if (cols != other.dims[0]) {
                throw new IllegalArgumentException("matmul: shapes " + shape() + " and " + other.shape()
                        + " do not chain: the left has " + cols + " columns but the right has "
                        + other.dims[0] + " rows");
            }
            int m = other.dims[1];
            double[] out = new double[rows * m];
            MatMul.gemm(data, 0, cols, 1, other.data, 0, m, 1, out, 0, rows, cols, m);
            return matrix(rows, m, out);
        }
        return batched("matmul", other, false, false);
    }

    /**
     * Matrix product {@code this · other} of two matrices written into {@code out}: the same
     * values, bit for bit, as {@link #matmul(Tensor)}, without allocating the result. For
     * callers that evaluate the same product many times (an op's {@link FastForward#forwardInto}, the
     * gradient checker).
     *
     * @param other a matrix with as many rows as this one has columns
     * @param out a {@code rows × other.cols} matrix, overwritten; it must not be this tensor or
     *     {@code other}
     * @throws IllegalArgumentException if a tensor is not 2-D, the inner dimensions differ,
     *     {@code out} has the wrong shape, or {@code out} is one of the operands
     */
    public void matmulInto(Tensor other, Tensor out) {
        requireProduct("matmulInto", other, out);
        int k = dims[1];
        int m = other.dims[1];
        MatMul.gemm(data, 0, k, 1, other.data, 0, m, 1, out.data, 0, dims[0], k, m);
    }

    /**
     * Recomputes only the entries in rows {@code [rowFrom, rowTo)} and columns
     * {@code [colFrom, colTo)} of the product {@code this · other} of two matrices, written into
     * {@code out}; every other entry of {@code out} is left as it is. Each recomputed entry
     * equals, bit for bit, the same entry of {@link #matmul(Tensor)}. When one entry
     * {@code (r, c)} of this tensor changes, only row {@code r} of the product changes; when one
     * entry {@code (r, c)} of {@code other} changes, only column {@code c}: an op can then redo a
     * single row or column instead of the whole product (see {@link FastForward#forwardEntriesInto}).
     *
     * @param other a matrix with as many rows as this one has columns
     * @param out a {@code rows × other.cols} matrix, updated in place; not an operand
     * @param rowFrom the first row to recompute
     * @param rowTo one past the last row
     * @param colFrom the first column to recompute
     * @param colTo one past the last column
     * @throws IllegalArgumentException if a tensor is not 2-D, the shapes do not fit, {@code out}
     *     is an operand, or the ranges are not within the product's rows and columns
     */
    public void matmulRegionInto(Tensor other, Tensor out, int rowFrom, int rowTo, int colFrom, int colTo) {
        requireProduct("matmulRegionInto", other, out);
        int rows = dims[0];
        int m = other.dims[1];
        if (rowFrom < 0 || rowFrom > rowTo || rowTo > rows || colFrom < 0 || colFrom > colTo || colTo > m) {
            throw new IllegalArgumentException("matmulRegionInto: rows [" + rowFrom + ", " + rowTo + ") and columns ["
                    + colFrom + ", " + colTo + ") are not within the " + Shapes.format(rows, m)
                    + " product; give 0 ≤ from ≤ to ≤ size");
        }
        MatMul.region(data, other.data, out.data, rows, dims[1], m, rowFrom, rowTo, colFrom, colTo);
    }

    private void requireProduct(String op, Tensor other, Tensor out) {
        if (dims.length != 2 || other.dims.length != 2 || out.dims.length != 2) {
            throw new IllegalArgumentException(op + " needs 2-D tensors, got " + shape() + " · " + other.shape()
                    + " into " + out.shape() + "; use matmul for batched products");
        }
        int rows = dims[0];
        int cols = dims[1];
        if (cols != other.dims[0]) {
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                    + " do not chain: the left has " + cols + " columns but the right has "
                    + other.dims[0] + " rows");
        }
        if (out.dims[0] != rows || out.dims[1] != other.dims[1]) {
            throw new IllegalArgumentException(op + ": out is " + out.shape() + " but " + shape() + " · "
                    + other.shape() + " is " + Shapes.format(rows, other.dims[1])
                    + "; pass an output of that shape");
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
     * weight's input, {@code Wᵀ·dZ}, in one pass. For two matrices, k×n and k×m give n×m; for
     * rank ≥ 3 the product is batched as in {@link #matmul}, transposing the last two axes of
     * this tensor: {@code (…, k, n)ᵀ·(…, k, m)} gives {@code (…, n, m)}.
     *
     * @param other a tensor whose matrices have as many rows as this one's
     * @return a new tensor
     * @throws IllegalArgumentException if an operand has rank below 2, the row counts differ, or
     *     the batch axes do not broadcast
     */
    public Tensor matmulTransposeLeft(Tensor other) {
        if (dims.length == 2 && other.dims.length == 2) {
            int rows = dims[0];
            int cols = dims[1];
            if (rows != other.dims[0]) {
                throw new IllegalArgumentException("matmulTransposeLeft: shapes " + shape() + " and "
                        + other.shape() + " do not chain as aᵀ·b: a has " + rows + " rows but b has "
                        + other.dims[0] + "; both need the same number of rows");
            }
            int m = other.dims[1];
            double[] out = new double[cols * m];
            MatMul.gemm(data, 0, 1, cols, other.data, 0, m, 1, out, 0, cols, rows, m);
            return matrix(cols, m, out);
        }
        return batched("matmulTransposeLeft", other, true, false);
    }

    /**
     * Matrix product {@code this · otherᵀ} without forming the transpose: the gradient of a
     * weight, {@code dZ·Xᵀ}, in one pass. For two matrices, n×k and m×k give n×m; for rank ≥ 3
     * the product is batched as in {@link #matmul}, transposing the last two axes of
     * {@code other}: {@code (…, n, k)·(…, m, k)ᵀ} gives {@code (…, n, m)}.
     *
     * @param other a tensor whose matrices have as many columns as this one's
     * @return a new tensor
     * @throws IllegalArgumentException if an operand has rank below 2, the column counts differ,
     *     or the batch axes do not broadcast
     */
    public Tensor matmulTransposeRight(Tensor other) {
        if (dims.length == 2 && other.dims.length == 2) {
            int rows = dims[0];
            int cols = dims[1];
            if (cols != other.dims[1]) {
                throw new IllegalArgumentException("matmulTransposeRight: shapes " + shape() + " and "
                        + other.shape() + " do not chain as a·bᵀ: a has " + cols + " columns but b has "
                        + other.dims[1] + "; both need the same number of columns");
            }
            int m = other.dims[0];
            double[] out = new double[rows * m];
            MatMul.gemm(data, 0, cols, 1, other.data, 0, 1, cols, out, 0, rows, cols, m);
            return matrix(rows, m, out);
        }
        return batched("matmulTransposeRight", other, false, true);
    }

    /**
     * A batched product on {@link MatMul#gemmBatch}: every operand matrix is read where it lies
     * (an operand broadcast across the batch repeats its offset), the result is contiguous.
     */
    private Tensor batched(String op, Tensor other, boolean transLeft, boolean transRight) {
        int ra = dims.length;
        int rb = other.dims.length;
        if (ra < 2 || rb < 2) {
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                    + " cannot be multiplied: both need at least 2 axes (a matrix, or a batch of matrices"
                    + " …×rows×columns); make a vector a column or a row first, e.g. with unsqueeze");
        }
        int ap = dims[ra - 2];
        int aq = dims[ra - 1];
        int bp = other.dims[rb - 2];
        int bq = other.dims[rb - 1];
        int n = transLeft ? aq : ap;
        int k = transLeft ? ap : aq;
        int kb = transRight ? bq : bp;
        int m = transRight ? bp : bq;
        if (k != kb) {
            String how = transLeft ? "the left matrices have " + k + " rows (axis −2) but the right ones have " + kb
                    + " rows (axis −2); both need the same number of rows"
                    : transRight ? "the left matrices have " + k + " columns (axis −1) but the right ones have " + kb
                            + " columns (axis −1); both need the same number of columns"
                            : "the left matrices have " + k + " columns (axis −1) but the right ones have " + kb
                                    + " rows (axis −2)";
            String as = transLeft ? " as aᵀ·b" : transRight ? " as a·bᵀ" : "";
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                    + " do not chain" + as + ": " + how);
        }
        int[] batchA = Arrays.copyOf(dims, ra - 2);
        int[] batchB = Arrays.copyOf(other.dims, rb - 2);
        int bad = Shapes.mismatch(batchA, batchB);
        if (bad >= 0) {
            throw new IllegalArgumentException(op + ": shapes " + shape() + " and " + other.shape()
                    + " do not broadcast in their batch axes (all but the last two): batch "
                    + Shapes.axisText(bad, batchA, batchB) + "; aligned from the right, each batch axis must be"
                    + " equal or 1");
        }
        int[] batch = Shapes.broadcast(op, batchA, batchB);
        int[] outDims = Arrays.copyOf(batch, batch.length + 2);
        outDims[batch.length] = n;
        outDims[batch.length + 1] = m;
        double[] out = new double[Shapes.size(op, outDims)];
        int[][] offs = Strided.batchOffsets(batch, batchA, ap * aq, batchB, bp * bq, n * m);
        int ars = transLeft ? 1 : k;
        int acs = transLeft ? n : 1;
        int brs = transRight ? 1 : m;
        int bcs = transRight ? k : 1;
        MatMul.gemmBatch(offs[0].length, data, offs[0], ars, acs, other.data, offs[1], brs, bcs, out, offs[2], n, k,
                m);
        return new Tensor(outDims, out);
    }

    // ------------------------------------------------------------------ reductions

    /** @return the sum of all entries (0 for an empty tensor) */
    public double sum() {
        double s = 0;
        for (double v : data) {
            s += v;
        }
        return s;
    }

    /**
     * Sums over the given axes.
     *
     * @param axes the axes to sum over (negative ones count from the end); none means all
     * @param keepDims whether the summed axes stay, with length 1 (so the result broadcasts
     *     against this tensor), or are removed
     * @return a new tensor; of shape {@code ()} when every axis is summed without keepDims
     * @throws IllegalArgumentException if an axis is out of range or given twice
     */
    public Tensor sum(int[] axes, boolean keepDims) {
        return reduce("sum", axes, keepDims, Strided.SUM);
    }

    /**
     * Averages over the given axes (NaN when an axis summed over is empty, as 0/0).
     *
     * @param axes the axes to average over; none means all
     * @param keepDims whether the averaged axes stay, with length 1, or are removed
     * @return a new tensor
     * @throws IllegalArgumentException if an axis is out of range or given twice
     */
    public Tensor mean(int[] axes, boolean keepDims) {
        Tensor s = reduce("mean", axes, keepDims, Strided.SUM);
        boolean[] reduced = Shapes.axes("mean", axes, dims);
        double count = 1;
        for (int i = 0; i < dims.length; i++) {
            if (reduced[i]) {
                count *= dims[i];
            }
        }
        double[] d = s.data;
        for (int i = 0; i < d.length; i++) {
            d[i] /= count;
        }
        return s;
    }

    /**
     * The largest entry along the given axes; NaN if any entry compared is NaN.
     *
     * @param axes the axes to reduce; none means all
     * @param keepDims whether the reduced axes stay, with length 1, or are removed
     * @return a new tensor
     * @throws IllegalArgumentException if an axis is out of range or given twice, or a reduced
     *     axis is empty (the maximum of nothing is undefined)
     */
    public Tensor max(int[] axes, boolean keepDims) {
        return reduce("max", axes, keepDims, Strided.MAX);
    }

    /**
     * The smallest entry along the given axes; NaN if any entry compared is NaN.
     *
     * @param axes the axes to reduce; none means all
     * @param keepDims whether the reduced axes stay, with length 1, or are removed
     * @return a new tensor
     * @throws IllegalArgumentException if an axis is out of range or given twice, or a reduced
     *     axis is empty
     */
    public Tensor min(int[] axes, boolean keepDims) {
        return reduce("min", axes, keepDims, Strided.MIN);
    }

    private Tensor reduce(String op, int[] axes, boolean keepDims, int kind) {
        Objects.requireNonNull(axes, op + ": axes");
        boolean[] reduced = Shapes.axes(op, axes, dims);
        int r = dims.length;
        int[] kept = new int[r];
        int outRank = 0;
        for (int i = 0; i < r; i++) {
            kept[i] = reduced[i] ? 1 : dims[i];
            outRank += reduced[i] ? 0 : 1;
        }
        int[] outDims = kept;
        if (!keepDims) {
            outDims = new int[outRank];
            for (int i = 0, j = 0; i < r; i++) {
                if (!reduced[i]) {
                    outDims[j++] = dims[i];
                }
            }
        }
        double[] out = new double[Shapes.count(kept)];
        if (kind != Strided.SUM) {
            if (data.length == 0 && out.length > 0) {
                int empty = 0;
                while (dims[empty] != 0) {
                    empty++;
                }
                throw new IllegalArgumentException(op + ": axis " + empty + " of a " + shape()
                        + " tensor is empty; the " + op + " of no entries is undefined");
            }
            Arrays.fill(out, kind == Strided.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        }
        if (data.length > 0) {
            int[] ds = Shapes.strides(kept);
            for (int i = 0; i < r; i++) {
                if (reduced[i]) {
                    ds[i] = 0;
                }
            }
            Strided.reduce(dims, data, out, ds, kind);
        }
        return new Tensor(outDims, out);
    }

    /**
     * The position of the largest entry along one axis (the first one on ties; the first NaN if
     * there is one).
     *
     * @param axis the axis to search
     * @return a new tensor of indices stored as doubles, of this shape without {@code axis}
     * @throws IllegalArgumentException if the axis is out of range, or empty while the result
     *     is not
     */
    public Tensor argmax(int axis) {
        int ax = Shapes.axis("argmax", axis, dims);
        int n = dims[ax];
        int outer = Shapes.outer(dims, ax);
        int inner = Shapes.inner(dims, ax);
        int[] outDims = Shapes.without(dims, ax);
        double[] out = new double[outer * inner];
        if (n == 0 && out.length > 0) {
            throw new IllegalArgumentException("argmax: axis " + ax + " of a " + shape()
                    + " tensor is empty; there is no largest entry");
        }
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = o * n * inner + i;
                int best = 0;
                double bv = data[base];
                for (int j = 1; j < n && !Double.isNaN(bv); j++) {
                    double v = data[base + j * inner];
                    if (v > bv || Double.isNaN(v)) {
                        best = j;
                        bv = v;
                    }
                }
                out[o * inner + i] = best;
            }
        }
        return new Tensor(outDims, out);
    }

    /**
     * Sums along each row — across the columns — keeping one value per row: for a batch of
     * samples as columns, the sum over the samples (a bias gradient). The same as
     * {@code sum(new int[] {1}, true)}.
     *
     * @return a new {@code rows × 1} column holding the sum of each row
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public Tensor sumRows() {
        requireMatrix("sumRows()", "use sum(new int[] {-1}, true)");
        int rows = dims[0];
        int cols = dims[1];
        double[] out = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                s += data[base + j];
            }
            out[i] = s;
        }
        return matrix(rows, 1, out);
    }

    /**
     * Sums down each column — across the rows — keeping one value per column: for a batch of
     * samples as columns, one total per sample. The same as {@code sum(new int[] {0}, true)}.
     *
     * @return a new {@code 1 × cols} row holding the sum of each column
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public Tensor sumCols() {
        requireMatrix("sumCols()", "use sum(new int[] {0}, true)");
        int rows = dims[0];
        int cols = dims[1];
        double[] out = new double[cols];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j] += data[base + j];
            }
        }
        return matrix(1, cols, out);
    }

    /**
     * Sums a broadcast result back to the shape an operand had before broadcasting: over the
     * leading axes the operand lacked and over the axes where it had length 1. This is the
     * backward pass of broadcasting: the gradient of {@code a + b} with respect to {@code b} is
     * {@code gradOutput.sumTo(b.dims())}. Each entry's terms are added in row-major order, so
     * {@code sumTo(rows, 1)} of a matrix equals {@link #sumRows} bit for bit.
     *
     * @param target the operand's shape, which must broadcast to this tensor's shape
     * @return a new tensor of shape {@code target}
     * @throws IllegalArgumentException if {@code target} does not broadcast to this shape; the
     *     message names both shapes and the failing axis
     */
    public Tensor sumTo(int... target) {
        int[] t = target.clone();
        Shapes.size("sumTo", t);
        int bad = Shapes.cannotBroadcastTo(t, dims);
        if (bad == -2) {
            throw new IllegalArgumentException("sumTo: " + Shapes.format(t) + " has more axes than this tensor's shape "
                    + shape() + "; the target must broadcast to this shape");
        }
        if (bad >= 0) {
            throw new IllegalArgumentException("sumTo: " + Shapes.format(t) + " does not broadcast to this tensor's shape "
                    + shape() + ": " + Shapes.axisText(bad, t, dims)
                    + "; aligned from the right, each axis of the target must be 1 or equal");
        }
        if (Arrays.equals(t, dims)) {
            return copy();
        }
        double[] out = new double[Shapes.count(t)];
        if (data.length > 0) {
            // Reading the target as if broadcast gives stride 0 exactly along the summed axes.
            Strided.reduce(dims, data, out, Shapes.broadcastStrides(t, dims), Strided.SUM);
        }
        return new Tensor(t, out);
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
        return MatMul.allFinite(data);
    }

    // ------------------------------------------------------------------ shape operations (copies)

    /**
     * The same entries, in the same row-major order, under another shape.
     *
     * @param newDims the new shape; one axis may be −1, inferred from the others
     * @return a new tensor (a copy)
     * @throws IllegalArgumentException if the entry counts differ, more than one axis is −1 or
     *     an axis is otherwise negative; the message names both shapes and sizes
     */
    public Tensor reshape(int... newDims) {
        int[] out = newDims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            int d = out[i];
            if (d == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: at most one axis may be −1, got "
                            + Shapes.format(out));
                }
                infer = i;
            } else if (d < 0) {
                throw new IllegalArgumentException("reshape: dimensions must be ≥ 0 (or one −1 to infer), got "
                        + Shapes.format(out));
            } else {
                // Saturates above any possible size, so a huge shape cannot wrap around to a match.
                known = Math.min(known * d, (long) Integer.MAX_VALUE + 1);
            }
        }
        String from = "reshape: cannot reshape " + shape() + " (" + data.length + " entries) to " + Shapes.format(out);
        if (infer >= 0) {
            if (known == 0) {
                throw new IllegalArgumentException(from + ": the −1 axis cannot be inferred when the other axes"
                        + " hold no entries");
            }
            if (data.length % known != 0) {
                throw new IllegalArgumentException(from + ": " + data.length + " entries are not a multiple of "
                        + known + ", the product of the other axes");
            }
            out[infer] = (int) (data.length / known);
        } else if (known != data.length) {
            throw new IllegalArgumentException(from + " (" + (known > Integer.MAX_VALUE ? "too many" : known)
                    + " entries)");
        }
        return new Tensor(out, data.clone());
    }

    /**
     * Merges the axes {@code startAxis … endAxis} (both included) into one.
     *
     * @param startAxis the first axis merged
     * @param endAxis the last axis merged, not before {@code startAxis}
     * @return a new tensor (a copy)
     * @throws IllegalArgumentException if an axis is out of range or {@code startAxis} comes after
     *     {@code endAxis}
     */
    public Tensor flatten(int startAxis, int endAxis) {
        int s = Shapes.axis("flatten", startAxis, dims);
        int e = Shapes.axis("flatten", endAxis, dims);
        if (s > e) {
            throw new IllegalArgumentException("flatten: startAxis " + startAxis + " comes after endAxis " + endAxis
                    + " in a " + shape() + " tensor; give startAxis ≤ endAxis");
        }
        int[] out = new int[dims.length - (e - s)];
        System.arraycopy(dims, 0, out, 0, s);
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= dims[i];
        }
        out[s] = merged;
        System.arraycopy(dims, e + 1, out, s + 1, dims.length - e - 1);
        return new Tensor(out, data.clone());
    }

    /**
     * Removes an axis of length 1.
     *
     * @param axis the axis to remove
     * @return a new tensor (a copy) of rank one less
     * @throws IllegalArgumentException if the axis is out of range or its length is not 1
     */
    public Tensor squeeze(int axis) {
        int ax = Shapes.axis("squeeze", axis, dims);
        if (dims[ax] != 1) {
            throw new IllegalArgumentException("squeeze: axis " + axis + " of a " + shape() + " tensor has length "
                    + dims[ax] + ", not 1; only an axis of length 1 can be removed");
        }
        return new Tensor(Shapes.without(dims, ax), data.clone());
    }

    /**
     * Inserts an axis of length 1.
     *
     * @param axis the position of the new axis in the result, in {@code −(rank+1) … rank}
     * @return a new tensor (a copy) of rank one more
     * @throws IllegalArgumentException if the position is out of range
     */
    public Tensor unsqueeze(int axis) {
        int ax = insertAxis("unsqueeze", axis, dims, "a " + shape() + " tensor");
        return new Tensor(inserted(dims, ax, 1), data.clone());
    }

    /**
     * Reorders the axes: axis {@code i} of the result is axis {@code axes[i]} of this tensor.
     *
     * @param axes a permutation of the axes (negative ones count from the end)
     * @return a new tensor (a copy)
     * @throws IllegalArgumentException if {@code axes} is not a permutation of this tensor's axes
     */
    public Tensor permute(int... axes) {
        int r = dims.length;
        if (axes.length != r) {
            throw new IllegalArgumentException("permute: " + Shapes.tuple(axes) + " has " + axes.length
                    + " axes but the tensor is " + shape() + " (rank " + r + "); give each axis once");
        }
        int[] perm = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            int ax = Shapes.axis("permute", axes[i], dims);
            if (seen[ax]) {
                throw new IllegalArgumentException("permute: " + Shapes.tuple(axes)
                        + " is not a permutation of the axes of a " + shape() + " tensor: axis " + ax
                        + " appears twice");
            }
            seen[ax] = true;
            perm[i] = ax;
        }
        int[] own = Shapes.strides(dims);
        int[] outDims = new int[r];
        int[] src = new int[r];
        for (int i = 0; i < r; i++) {
            outDims[i] = dims[perm[i]];
            src[i] = own[perm[i]];
        }
        double[] out = new double[data.length];
        if (out.length > 0) {
            Strided.copy(outDims, data, 0, src, out, 0, Shapes.strides(outDims));
        }
        return new Tensor(outDims, out);
    }

    /**
     * Swaps two axes; {@link #transpose()} is the matrix case.
     *
     * @param axisA one axis
     * @param axisB another (or the same: a copy)
     * @return a new tensor (a copy)
     * @throws IllegalArgumentException if an axis is out of range
     */
    public Tensor transpose(int axisA, int axisB) {
        int a = Shapes.axis("transpose", axisA, dims);
        int b = Shapes.axis("transpose", axisB, dims);
        int[] perm = new int[dims.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /**
     * The transpose of a matrix.
     *
     * @return a new {@code cols × rows} tensor
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public Tensor transpose() {
        requireMatrix("transpose()", "use transpose(axisA, axisB) or permute(axes)");
        int rows = dims[0];
        int cols = dims[1];
        double[] out = new double[data.length];
        for (int i = 0; i < rows; i++) {
            int base = i * cols;
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = data[base + j];
            }
        }
        return matrix(cols, rows, out);
    }

    /**
     * Repeats this tensor along axes of length 1 (and new leading axes) to a larger shape, as
     * broadcasting does implicitly; {@link #sumTo} is its adjoint.
     *
     * @param target the shape; this tensor's shape must broadcast to it
     * @return a new tensor of shape {@code target} (materialized, not a view)
     * @throws IllegalArgumentException if this shape does not broadcast to {@code target}
     */
    public Tensor broadcastTo(int... target) {
        int[] t = target.clone();
        int n = Shapes.size("broadcastTo", t);
        int bad = Shapes.cannotBroadcastTo(dims, t);
        if (bad == -2) {
            throw new IllegalArgumentException("broadcastTo: " + shape() + " cannot be broadcast to " + Shapes.format(t)
                    + ": it has more axes");
        }
        if (bad >= 0) {
            throw new IllegalArgumentException("broadcastTo: " + shape() + " does not broadcast to " + Shapes.format(t)
                    + ": " + Shapes.axisText(bad, dims, t)
                    + "; aligned from the right, each axis of this tensor must be 1 or equal to the target's");
        }
        double[] out = new double[n];
        if (n > 0) {
            Strided.copy(t, data, 0, Shapes.broadcastStrides(dims, t), out, 0, Shapes.strides(t));
        }
        return new Tensor(t, out);
    }

    /**
     * The entries {@code start … start+length−1} along one axis.
     *
     * @param axis the axis to cut
     * @param start the first index kept
     * @param length how many indices to keep
     * @return a new tensor (a copy) whose axis has length {@code length}
     * @throws IllegalArgumentException if the axis is out of range or the range does not fit in it
     */
    public Tensor narrow(int axis, int start, int length) {
        int ax = Shapes.axis("narrow", axis, dims);
        int n = dims[ax];
        if (start < 0 || length < 0 || start > n - length) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " do not fit axis " + axis + " of a " + shape() + " tensor (size " + n
                    + "): need 0 ≤ start ≤ start + length ≤ " + n);
        }
        return cut(ax, start, length);
    }

    /**
     * The entries {@code start … end−1} along one axis (end exclusive, as in Python; negative
     * positions are not accepted).
     *
     * @param axis the axis to cut
     * @param start the first index kept
     * @param end one past the last index kept
     * @return a new tensor (a copy) whose axis has length {@code end − start}
     * @throws IllegalArgumentException if the axis is out of range or the range does not fit in it
     */
    public Tensor slice(int axis, int start, int end) {
        int ax = Shapes.axis("slice", axis, dims);
        int n = dims[ax];
        if (start < 0 || end < start || end > n) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") is out of range for axis " + axis
                    + " of a " + shape() + " tensor (size " + n + "): need 0 ≤ start ≤ end ≤ " + n);
        }
        return cut(ax, start, end - start);
    }

    private Tensor cut(int ax, int start, int length) {
        int n = dims[ax];
        int outer = Shapes.outer(dims, ax);
        int inner = Shapes.inner(dims, ax);
        double[] out = new double[outer * length * inner];
        int block = length * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(data, (o * n + start) * inner, out, o * block, block);
        }
        return new Tensor(Shapes.with(dims, ax, length), out);
    }

    /**
     * Joins tensors along an existing axis.
     *
     * @param axis the axis to join along (of the first tensor)
     * @param tensors at least one tensor; all of the same rank and equal in every other axis
     * @return a new tensor
     * @throws IllegalArgumentException if no tensor is given, the axis is out of range, or a
     *     tensor does not fit; the message names its index, both shapes and the axis
     */
    public static Tensor concat(int axis, Tensor... tensors) {
        Objects.requireNonNull(tensors, "concat: tensors");
        if (tensors.length == 0) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor first = Objects.requireNonNull(tensors[0], "concat: tensor 0");
        int ax = Shapes.axis("concat", axis, first.dims);
        int r = first.dims.length;
        long total = 0;
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = Objects.requireNonNull(tensors[i], "concat: tensor " + i);
            if (t.dims.length != r) {
                throw new IllegalArgumentException("concat: tensor " + i + " is " + t.shape() + " but tensor 0 is "
                        + first.shape() + "; all need the same rank (" + r + ")");
            }
            for (int d = 0; d < r; d++) {
                if (d != ax && t.dims[d] != first.dims[d]) {
                    throw new IllegalArgumentException("concat: tensor " + i + " is " + t.shape() + " but tensor 0 is "
                            + first.shape() + ": axis " + d + " has " + t.dims[d] + " and " + first.dims[d]
                            + "; joining along axis " + ax + ", every other axis must match");
                }
            }
            total += t.dims[ax];
        }
        if (total > Shapes.MAX_SIZE) {
            throw new IllegalArgumentException("concat: the result is too large (" + total + " along axis " + ax + ")");
        }
        int[] outDims = Shapes.with(first.dims, ax, (int) total);
        double[] out = new double[Shapes.size("concat", outDims)];
        int outer = Shapes.outer(first.dims, ax);
        int inner = Shapes.inner(first.dims, ax);
        int row = (int) total * inner;
        int at = 0;
        for (Tensor t : tensors) {
            int block = t.dims[ax] * inner;
            for (int o = 0; o < outer; o++) {
                System.arraycopy(t.data, o * block, out, o * row + at, block);
            }
            at += block;
        }
        return new Tensor(outDims, out);
    }

    /**
     * Stacks tensors of one shape along a new axis.
     *
     * @param axis the position of the new axis in the result, in {@code −(rank+1) … rank}
     * @param tensors at least one tensor, all of the same shape
     * @return a new tensor of rank one more, the new axis as long as {@code tensors}
     * @throws IllegalArgumentException if no tensor is given, the axis is out of range, or the
     *     shapes differ; the message names the tensor's index and both shapes
     */
    public static Tensor stack(int axis, Tensor... tensors) {
        Objects.requireNonNull(tensors, "stack: tensors");
        if (tensors.length == 0) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        Tensor first = Objects.requireNonNull(tensors[0], "stack: tensor 0");
        int ax = insertAxis("stack", axis, first.dims, first.shape() + " tensors");
        for (int i = 1; i < tensors.length; i++) {
            Tensor t = Objects.requireNonNull(tensors[i], "stack: tensor " + i);
            if (!Arrays.equals(t.dims, first.dims)) {
                throw new IllegalArgumentException("stack: tensor " + i + " is " + t.shape() + " but tensor 0 is "
                        + first.shape() + "; stacked tensors must all have the same shape");
            }
        }
        int[] outDims = inserted(first.dims, ax, tensors.length);
        double[] out = new double[Shapes.size("stack", outDims)];
        int outer = Shapes.outer(first.dims, ax);
        int inner = first.data.length / Math.max(1, outer);
        int count = tensors.length;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < count; i++) {
                System.arraycopy(tensors[i].data, o * inner, out, (o * count + i) * inner, inner);
            }
        }
        return new Tensor(outDims, out);
    }

    /**
     * Surrounds this tensor with a constant: {@code before[i]} entries ahead of and
     * {@code after[i]} entries behind axis {@code i}.
     *
     * @param before the padding ahead of each axis, one per axis, each ≥ 0
     * @param after the padding behind each axis, one per axis, each ≥ 0
     * @param value the value of the padding
     * @return a new tensor; {@link #narrow} with the same offsets gives this one back
     * @throws IllegalArgumentException if the arrays do not have one entry per axis or an entry
     *     is negative
     */
    public Tensor pad(int[] before, int[] after, double value) {
        int r = dims.length;
        if (before.length != r || after.length != r) {
            throw new IllegalArgumentException("pad: a " + shape() + " tensor needs one padding per axis before and"
                    + " after (" + r + " each), got " + before.length + " and " + after.length);
        }
        int[] outDims = new int[r];
        for (int i = 0; i < r; i++) {
            if (before[i] < 0 || after[i] < 0) {
                throw new IllegalArgumentException("pad: padding must be ≥ 0, got " + before[i] + " before and "
                        + after[i] + " after axis " + i);
            }
            long d = (long) dims[i] + before[i] + after[i];
            if (d > Shapes.MAX_SIZE) {
                throw new IllegalArgumentException("pad: axis " + i + " would be too long");
            }
            outDims[i] = (int) d;
        }
        double[] out = new double[Shapes.size("pad", outDims)];
        Arrays.fill(out, value);
        if (data.length > 0) {
            int[] os = Shapes.strides(outDims);
            int off = 0;
            for (int i = 0; i < r; i++) {
                off += before[i] * os[i];
            }
            Strided.copy(dims, data, 0, Shapes.strides(dims), out, off, os);
        }
        return new Tensor(outDims, out);
    }

    // ------------------------------------------------------------------ indexing

    /**
     * Selects columns (samples) of a matrix by index, in the order given; used to cut
     * mini-batches. {@link #indexSelect} does this along any axis.
     *
     * @param indices column indices, each in {@code [0, cols)}; repeats allowed
     * @return a new {@code rows × indices.length} tensor
     * @throws IndexOutOfBoundsException if an index is out of range
     * @throws IllegalStateException if this tensor is not 2-D
     */
    public Tensor selectColumns(int... indices) {
        requireMatrix("selectColumns", "use indexSelect(axis, indices)");
        int rows = dims[0];
        int cols = dims[1];
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
        return matrix(rows, indices.length, out);
    }

    /**
     * Picks entries along one axis by index, in the order given (repeats allowed): the result's
     * slice {@code k} along {@code axis} is this tensor's slice {@code indices[k]}.
     *
     * @param axis the axis to index
     * @param indices indices into that axis
     * @return a new tensor whose axis has length {@code indices.length}
     * @throws IllegalArgumentException if the axis is out of range
     * @throws IndexOutOfBoundsException if an index is out of range; the message names it, the
     *     axis and its size
     */
    public Tensor indexSelect(int axis, int[] indices) {
        int ax = Shapes.axis("indexSelect", axis, dims);
        int n = dims[ax];
        checkIndices("indexSelect", indices, ax, n);
        int outer = Shapes.outer(dims, ax);
        int inner = Shapes.inner(dims, ax);
        int len = indices.length;
        double[] out = new double[outer * len * inner];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < len; k++) {
                int src = (o * n + indices[k]) * inner;
                int dst = (o * len + k) * inner;
                if (inner == 1) {
                    out[dst] = data[src];
                } else {
                    System.arraycopy(data, src, out, dst, inner);
                }
            }
        }
        return new Tensor(Shapes.with(dims, ax, len), out);
    }

    /**
     * The adjoint of {@link #indexSelect}: a copy of this tensor with slice {@code k} of
     * {@code src} along {@code axis} added to slice {@code indices[k]} (repeated indices add up).
     * The gradient of {@code x.indexSelect(axis, idx)} is
     * {@code zerosLike(x).indexAdd(axis, idx, gradOutput)}.
     *
     * @param axis the axis indexed
     * @param indices indices into that axis
     * @param src the values added: this shape with {@code axis} of length {@code indices.length}
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if the axis is out of range or {@code src} is misshapen
     * @throws IndexOutOfBoundsException if an index is out of range
     */
    public Tensor indexAdd(int axis, int[] indices, Tensor src) {
        int ax = Shapes.axis("indexAdd", axis, dims);
        int n = dims[ax];
        checkIndices("indexAdd", indices, ax, n);
        int len = indices.length;
        int[] want = Shapes.with(dims, ax, len);
        if (!Arrays.equals(src.dims, want)) {
            throw new IllegalArgumentException("indexAdd: src is " + src.shape() + " but adding " + len
                    + " slices along axis " + ax + " of a " + shape() + " tensor needs " + Shapes.format(want));
        }
        int outer = Shapes.outer(dims, ax);
        int inner = Shapes.inner(dims, ax);
        double[] out = data.clone();
        double[] s = src.data;
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < len; k++) {
                int dst = (o * n + indices[k]) * inner;
                int from = (o * len + k) * inner;
                for (int i = 0; i < inner; i++) {
                    out[dst + i] += s[from + i];
                }
            }
        }
        return new Tensor(dims, out);
    }

    /**
     * Gathers entries along an axis by a tensor of indices, as {@code torch.gather}:
     * {@code out[i₀…iₐ…] = this[i₀… indices[i₀…iₐ…] …]} with the index replacing position
     * {@code axis}. The indices tensor has this tensor's rank and, on every other axis, at most
     * its length; the result has the indices' shape.
     *
     * @param axis the axis indexed
     * @param indices whole numbers in {@code [0, dim(axis))}, stored as doubles
     * @return a new tensor shaped like {@code indices}
     * @throws IllegalArgumentException if the axis is out of range, the ranks differ, the indices
     *     are longer than this tensor on another axis, or an entry is not a whole number (the
     *     message names the entry's index tuple and value)
     * @throws IndexOutOfBoundsException if an entry is out of range
     */
    public Tensor gather(int axis, Tensor indices) {
        int ax = checkGather("gather", axis, indices);
        double[] out = new double[indices.data.length];
        Strided.walkIndices("gather", dims, ax, indices.dims, indices.data, (f, off) -> out[f] = data[off]);
        return new Tensor(indices.dims, out);
    }

    /**
     * The adjoint of {@link #gather}, as {@code torch.scatter_add}: a copy of this tensor with
     * each entry of {@code src} added where {@code gather} would have read it (entries that meet
     * add up). The gradient of {@code x.gather(axis, idx)} is
     * {@code zerosLike(x).scatterAdd(axis, idx, gradOutput)}.
     *
     * @param axis the axis indexed
     * @param indices as for {@link #gather}
     * @param src the values added, shaped like {@code indices}
     * @return a new tensor of this shape
     * @throws IllegalArgumentException as {@link #gather}, or if {@code src} is not shaped like
     *     {@code indices}
     * @throws IndexOutOfBoundsException if an entry of {@code indices} is out of range
     */
    public Tensor scatterAdd(int axis, Tensor indices, Tensor src) {
        int ax = checkGather("scatterAdd", axis, indices);
        if (!Arrays.equals(src.dims, indices.dims)) {
            throw new IllegalArgumentException("scatterAdd: src is " + src.shape() + " but indices are "
                    + indices.shape() + "; they need the same shape");
        }
        double[] out = data.clone();
        double[] s = src.data;
        Strided.walkIndices("scatterAdd", dims, ax, indices.dims, indices.data, (f, off) -> out[off] += s[f]);
        return new Tensor(dims, out);
    }

    private int checkGather(String op, int axis, Tensor indices) {
        Objects.requireNonNull(indices, op + ": indices");
        int ax = Shapes.axis(op, axis, dims);
        if (indices.dims.length != dims.length) {
            throw new IllegalArgumentException(op + ": indices are " + indices.shape() + " (rank " + indices.dims.length
                    + ") but the tensor is " + shape() + " (rank " + dims.length + "); they need the same rank");
        }
        for (int d = 0; d < dims.length; d++) {
            if (d != ax && indices.dims[d] > dims[d]) {
                throw new IllegalArgumentException(op + ": indices " + indices.shape() + " do not fit a " + shape()
                        + " tensor: axis " + d + " has " + indices.dims[d] + " > " + dims[d] + "; every axis but "
                        + ax + " must be at most the tensor's");
            }
        }
        return ax;
    }

    private void checkIndices(String op, int[] indices, int ax, int n) {
        Objects.requireNonNull(indices, op + ": indices");
        for (int idx : indices) {
            if (idx < 0 || idx >= n) {
                throw new IndexOutOfBoundsException(op + ": index " + idx + " is out of range for axis " + ax + " of a "
                        + shape() + " tensor (size " + n + "): " + (n == 0 ? "the axis is empty" : "use 0 … " + (n - 1)));
            }
        }
    }

    // ------------------------------------------------------------------ comparison and text

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
     * Exact equality: same shape (rank and every axis) and the same bits in every entry (so NaN
     * equals NaN, and 0.0 differs from -0.0).
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
        return Arrays.equals(dims, t.dims) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }

    /**
     * Shape and values, nested like NumPy's: {@code Tensor 2×3 [[1.0, 2.0, 3.0]\n  [4.0, 5.0,
     * 6.0]]}; a scalar is {@code Tensor () 5.0}. An axis longer than six shows its first and last
     * three entries around {@code ...}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor ").append(shape()).append(' ');
        if (dims.length == 0) {
            return sb.append(data[0]).toString();
        }
        appendAxis(sb, 0, 0, Shapes.strides(dims));
        return sb.toString();
    }

    private void appendAxis(StringBuilder sb, int axis, int offset, int[] strides) {
        final int edge = 3;
        int n = dims[axis];
        boolean innermost = axis == dims.length - 1;
        // Blocks of higher axes are set apart by one more blank line per level, as in NumPy.
        String gap = innermost ? ", " : "\n".repeat(dims.length - 1 - axis) + " ".repeat(axis + 2);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > 2 * edge && i == edge) {
                sb.append(innermost ? "..., " : gap + "...");
                i = n - edge - 1;
                continue;
            }
            if (innermost) {
                sb.append(data[offset + i]);
                if (i < n - 1) {
                    sb.append(gap);
                }
            } else {
                if (i > 0) {
                    sb.append(gap);
                }
                appendAxis(sb, axis + 1, offset + i * strides[axis], strides);
            }
        }
        sb.append(']');
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

    private void requireMatrix(String method, String instead) {
        if (dims.length != 2) {
            throw new IllegalStateException(method + " needs a 2-D tensor, this one is " + shape() + "; " + instead);
        }
    }

    private int index(String method, int row, int col) {
        requireMatrix(method, "use at(index...)");
        if (row < 0 || row >= dims[0] || col < 0 || col >= dims[1]) {
            throw new IndexOutOfBoundsException("(" + row + ", " + col
                    + ") is outside a tensor of shape " + shape());
        }
        return row * dims[1] + col;
    }

    private int flat(String op, int[] index) {
        if (index.length != dims.length) {
            throw new IllegalArgumentException(op + ": index " + Shapes.tuple(index) + " has " + index.length
                    + (index.length == 1 ? " entry" : " entries") + " but the tensor is " + shape() + " (rank "
                    + dims.length + "); give one index per axis");
        }
        int f = 0;
        for (int i = 0; i < index.length; i++) {
            int x = index[i];
            if (x < 0 || x >= dims[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + Shapes.tuple(index)
                        + " is outside a tensor of shape " + shape() + ": axis " + i + " has size " + dims[i]);
            }
            f = f * dims[i] + x;
        }
        return f;
    }

    /** Resolves the position of a new axis, in {@code −(rank+1) … rank}. */
    private static int insertAxis(String op, int axis, int[] dims, String what) {
        int r = dims.length + 1;
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for " + what + " (rank "
                    + dims.length + "): the new axis goes at " + "−" + r + " … " + (r - 1));
        }
        return axis < 0 ? axis + r : axis;
    }

    private static int[] inserted(int[] dims, int axis, int length) {
        int[] out = new int[dims.length + 1];
        System.arraycopy(dims, 0, out, 0, axis);
        out[axis] = length;
        System.arraycopy(dims, axis, out, axis + 1, dims.length - axis);
        return out;
    }
}
