package org.autodifflite.layers.ops;

import java.util.Arrays;
import org.autodifflite.core.FastForward;
import org.autodifflite.core.Op;
import org.autodifflite.core.OpChecks;
import org.autodifflite.core.Tensor;
import org.autodifflite.core.kernel.MatMul;

/**
 * A 2-D convolution layer (strictly, cross-correlation, as in every deep-learning library):
 * {@code Y = W ⋆ X + b} over a batch of images, with stride, zero padding and dilation.
 *
 * <p>Inputs, in order: {@code X} (N×C×H×W: batch, channels, height, width, row-major),
 * {@code W} (F×C×kh×kw: one C×kh×kw filter per output channel) and, unless the op was made
 * without bias ({@link #withoutBias()}, then the op takes two inputs), {@code b} (rank 1, F
 * entries). Output: {@code Y}, N×F×Ho×Wo with {@code Ho = ⌊(H + 2·ph − dh·(kh−1) − 1)/sh⌋ + 1}
 * and {@code Wo} alike:
 *
 * <pre>
 * Y[n,f,i,j] = b[f] + Σ_{c,u,v} W[f,c,u,v] · X[n, c, i·sh − ph + u·dh, j·sw − pw + v·dw]
 * </pre>
 *
 * where entries of {@code X} outside the image are zero (padding).
 *
 * <p>It is computed as a matrix product (im2col): image {@code n} is unfolded into
 * {@code col_n}, a (C·kh·kw) × (Ho·Wo) matrix whose column {@code q} holds the input patch that
 * output position {@code q} sees, and {@code Y_n = W·col_n + b} with {@code W} read as the
 * F × (C·kh·kw) matrix it is, in place. Backward, for {@code G = ∂L/∂Y}:
 * {@code ∂L/∂W = Σ_n G_n·col_nᵀ}, {@code ∂L/∂b[f] = Σ_{n,i,j} G[n,f,i,j]}, and
 * {@code ∂L/∂X} is col2im of {@code Wᵀ·G_n}: each entry of the unfolded gradient is added back
 * to the pixel it was copied from (padding positions are dropped). The images of a batch are
 * split between as many threads as the matmul kernel uses ({@link MatMul#threads()}); each
 * image is computed the same way whichever thread runs it, so results do not depend on the
 * thread count. Small output planes (at most 128 positions, an 8×8
 * digit's 64 for example) are unfolded a chunk of images side by side instead, the images
 * innermost, one product per chunk and the chunks split between the threads: an image's own
 * product (8×9·9×64 for a digit) is too skinny for the kernel.
 *
 * <p>The op implements {@link FastForward}, so the gradient checker evaluates it incrementally:
 * a perturbed pixel changes only the outputs whose windows hold it (a few positions, every
 * channel), a perturbed weight or bias only one output channel. Values are not validated: a NaN
 * pixel gives NaN in the outputs whose windows hold it (the trainer refuses non-finite data
 * before it reaches an op).
 *
 * <pre>{@code
 * Graph g = new Graph();
 * Node x = g.input("images", Tensor.randn(new int[] {2, 3, 16, 16}, 1L));     // N×C×H×W
 * Node w = g.parameter(new Parameter("conv1.weight", Tensor.randn(new int[] {8, 3, 3, 3}, 2L)));
 * Node b = g.parameter(new Parameter("conv1.bias", Tensor.zeros(8)));
 * Node y = g.apply(new Conv2d(1, 1), x, w, b);                                // 2×8×16×16
 * }</pre>
 */
public final class Conv2d implements FastForward {

    /**
     * Below this many multiply-adds for the whole batch, images are not split between threads:
     * handing work to another thread costs tens of microseconds.
     */
    private static final long PARALLEL_MIN_MACS = 1L << 18;

    /**
     * From about this many multiply-adds, the matmul kernel splits one image's product between
     * its threads itself ({@code MatMul}'s own threshold), so images then run one after another.
     */
    private static final long KERNEL_SPLIT_MACS = 1L << 19;

    /**
     * Output planes of at most this many positions (up to about 11×11) are computed a chunk of
     * images at a time ({@link #forwardStacked}): one image's product would be too skinny for the
     * kernel (an 8×8 digit's is 8×9·9×64), and a whole chunk's is wide.
     */
    static final int STACK_MAX_POSITIONS = 128;

    /** The columns (images × positions) of one stacked chunk: about 4,096, a cache-sized unfold. */
    static final int STACK_COLUMNS = 4096;

    /** Rows of the unfold shorter than this are copied by a plain loop, not {@code System.arraycopy}. */
    private static final int SHORT_ROW = 16;

    /** The stacked backward takes ∂L/∂W as dot products up to this many entries (bias included). */
    private static final int DOT_MAX_ENTRIES = 256;

    /**
     * Per-thread buffers (unfolded images and products), reused so that the checker's
     * evaluations allocate nothing; they hold no value from one call to the next.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int strideH;
    private final int strideW;
    private final int padH;
    private final int padW;
    private final int dilationH;
    private final int dilationW;
    private final boolean bias;

    /** A convolution with stride 1, no padding, no dilation, and a bias. */
    public Conv2d() {
        this(1, 0);
    }

    /**
     * A convolution with a bias and no dilation.
     *
     * @param stride the step between windows, both axes, ≥ 1
     * @param padding zeros added on each side, both axes, ≥ 0 ({@code (k−1)/2} keeps H×W at
     *     stride 1 for an odd kernel k)
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Conv2d(int stride, int padding) {
        this(stride, padding, 1);
    }

    /**
     * A convolution with a bias.
     *
     * @param stride the step between windows, both axes, ≥ 1
     * @param padding zeros added on each side, both axes, ≥ 0
     * @param dilation the spacing of the kernel's taps, both axes, ≥ 1 (1: adjacent)
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Conv2d(int stride, int padding, int dilation) {
        this(stride, stride, padding, padding, dilation, dilation, true);
    }

    /**
     * A convolution with every parameter given per axis.
     *
     * @param strideH the vertical step between windows, ≥ 1
     * @param strideW the horizontal step between windows, ≥ 1
     * @param padH zero rows added above and below, ≥ 0
     * @param padW zero columns added left and right, ≥ 0
     * @param dilationH the vertical spacing of the kernel's taps, ≥ 1
     * @param dilationW the horizontal spacing of the kernel's taps, ≥ 1
     * @param bias whether the op takes a bias {@code b} as its third input
     * @throws IllegalArgumentException if a parameter is out of range; the message names it
     */
    public Conv2d(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, boolean bias) {
        Window2d.requireAtLeast("Conv2d", "stride", Math.min(strideH, strideW), 1,
                "the step between windows is 1 for every position, 2 for every other");
        Window2d.requireAtLeast("Conv2d", "padding", Math.min(padH, padW), 0,
                "it is the number of zero rows and columns added on each side");
        Window2d.requireAtLeast("Conv2d", "dilation", Math.min(dilationH, dilationW), 1,
                "1 is an ordinary kernel, 2 spaces its taps one pixel apart");
        this.strideH = strideH;
        this.strideW = strideW;
        this.padH = padH;
        this.padW = padW;
        this.dilationH = dilationH;
        this.dilationW = dilationW;
        this.bias = bias;
    }

    /** @return the same convolution without a bias: it takes two inputs, {@code X} and {@code W} */
    public Conv2d withoutBias() {
        return new Conv2d(strideH, strideW, padH, padW, dilationH, dilationW, false);
    }

    /** @return whether the op takes a bias {@code b} as its third input */
    public boolean hasBias() {
        return bias;
    }

    @Override
    public String name() {
        return "Conv2d";
    }

    /** @return 3 ({@code X, W, b}), or 2 ({@code X, W}) without bias */
    @Override
    public int arity() {
        return bias ? 3 : 2;
    }

    @Override
    public String inputName(int index) {
        return switch (index) {
            case 0 -> "X";
            case 1 -> "W";
            case 2 -> bias ? "b" : FastForward.super.inputName(index);
            default -> FastForward.super.inputName(index);
        };
    }

    @Override
    public String toString() {
        return "Conv2d(stride " + strideH + "×" + strideW + ", padding " + padH + "×" + padW + ", dilation "
                + dilationH + "×" + dilationW + (bias ? "" : ", no bias") + ")";
    }

    // ------------------------------------------------------------------ forward

    /**
     * Computes {@code W ⋆ X + b}.
     *
     * @param inputs {@code X} (N×C×H×W), {@code W} (F×C×kh×kw) and, with bias, {@code b} (F)
     * @return {@code Y}, N×F×Ho×Wo
     * @throws IllegalArgumentException if an input is missing, not of the layout above, the
     *     channels of {@code X} and {@code W} differ, or the kernel is larger than the padded
     *     input; the message names the shapes and the fix
     */
    @Override
    public Tensor forward(Tensor... inputs) {
        Geometry g = geometry(new Geometry(), inputs);
        Tensor y = Tensor.zeros(g.n, g.f, g.oh, g.ow);
        double[] yd = y.data();
        if (g.stacked()) {
            forwardStacked(g, inputs, yd, true);
            return y;
        }
        shareImages(g, 1, perImageParallel(g), yd, g.f * g.positions(), null, 0,
                (n, out, at, term, termOff, t) -> forwardImage(g, inputs, n, out, at, t));
        return y;
    }

    /**
     * Computes {@code W ⋆ X + b} into {@code out}, the bits of {@link #forward}, allocating
     * nothing (after a first call on the thread has sized its buffers); on the calling thread
     * alone, since its callers (the checker) run threads of their own.
     *
     * @param out the N×F×Ho×Wo output buffer
     * @param inputs as {@link #forward}
     * @throws IllegalArgumentException if the inputs are wrong (as {@link #forward}) or
     *     {@code out} is not N×F×Ho×Wo
     */
    @Override
    public void forwardInto(Tensor out, Tensor... inputs) {
        Scratch s = SCRATCH.get();
        Geometry g = geometry(s.g, inputs);
        requireOutput(out, g, inputs);
        double[] y = out.data();
        if (g.stacked()) {
            forwardStacked(g, inputs, y, false);
            return;
        }
        for (int n = 0; n < g.n; n++) {
            forwardImage(g, inputs, n, y, n, s);
        }
    }

    /**
     * Small output planes (at most {@value #STACK_MAX_POSITIONS} positions, such as 8×8 digits):
     * a chunk of images is unfolded side by side into one (C·kh·kw) × (images·Ho·Wo) matrix and
     * multiplied by {@code W} at once — one product wide enough for the kernel instead of one
     * skinny product per image — and the result is scattered into the NCHW output. Chunks are
     * fixed by the geometry ({@link Geometry#chunk}); the unfold puts the images innermost
     * ({@link #unfoldInterleaved}). Each entry is one sum over the taps, in order, whichever
     * column it sits in and whether the product {@code W·col} runs through {@link MatMul#gemm}
     * (chunks side by side on the threads) or through {@link MatMul#region} on the calling thread
     * ({@link #forwardInto} and the incremental forward, which unfolds single images), so all
     * give the same bits.
     *
     * @param threaded whether the chunks may run on the matmul threads ({@link #forward}) or must
     *     stay on the calling thread ({@link #forwardInto}, whose callers run threads of their
     *     own)
     */
    private void forwardStacked(Geometry g, Tensor[] in, double[] y, boolean threaded) {
        double[] x = in[0].data();
        double[] w = in[1].data();
        double[] b = bias ? in[2].data() : null;
        int per = g.chunk();
        // Threaded, the chunks run side by side on the matmul threads (each chunk's product is
        // below the kernel's own split).
        shareImages(g, per, threaded, y, g.f * g.positions(), null, 0, (c, out, at, term, termOff, t) ->
                forwardChunk(g, x, w, b, c * per, Math.min(per, g.n - c * per), out, at, t, threaded));
    }

    /**
     * One chunk of {@link #forwardStacked}: images {@code [n0, n0 + images)}, written into
     * {@code y} from image {@code at} on (N×F×Ho×Wo).
     */
    private void forwardChunk(Geometry g, double[] x, double[] w, double[] b, int n0, int images, double[] y, int at,
            Scratch s, boolean kernel) {
        int ckk = g.ckk();
        int m = images * g.positions();
        double[] col = s.col(ckk * m);
        double[] part = s.part(g.f * m);
        unfoldInterleaved(g, x, n0, images, col, s);
        if (kernel) {
            // Y_c (F × m) = W · col: the kernel packs col (a row-major B, eight plain copies a
            // row) and runs F rows on it. colᵀ · Wᵀ packed only the small Wᵀ but gathered colᵀ
            // a column at a time: 2.7× slower on the digits CNN's first conv (4096 × 9 · 9 × 8).
            MatMul.gemm(w, 0, ckk, 1, col, 0, m, 1, part, 0, g.f, ckk, m);
        } else {
            MatMul.region(w, col, part, g.f, ckk, m, 0, g.f, 0, m);
        }
        scatterInterleaved(g, part, at, images, 0, g.f - 1, b, y);
    }

    /**
     * Copies channels {@code [f0, f1]} of a chunk of {@code images} images from a stacked product
     * with the images innermost (F rows, column {@code q·images + k} for position {@code q} of
     * the chunk's image {@code k}) into the NCHW output {@code y} as images {@code at + k},
     * adding the bias.
     */
    private static void scatterInterleaved(Geometry g, double[] part, int at, int images, int f0, int f1, double[] b,
            double[] y) {
        int pos = g.positions();
        int m = pos * images;
        for (int k = 0; k < images; k++) {
            for (int f = f0; f <= f1; f++) {
                int dst = ((at + k) * g.f + f) * pos;
                int src = f * m + k;
                if (b == null) {
                    for (int q = 0; q < pos; q++) {
                        y[dst + q] = part[src + q * images];
                    }
                } else {
                    double bf = b[f];
                    for (int q = 0; q < pos; q++) {
                        y[dst + q] = part[src + q * images] + bf;
                    }
                }
            }
        }
    }

    /**
     * Copies positions {@code [q0, q1)} of channels {@code [f0, f1]} of image {@code n} from a
     * stacked product (F rows of {@code m}, the image's columns from {@code colOff}) into the NCHW
     * output, adding the bias.
     */
    private static void scatter(Geometry g, double[] part, int m, int colOff, int n, int f0, int f1, int q0, int q1,
            double[] b, double[] y) {
        int pos = g.positions();
        for (int f = f0; f <= f1; f++) {
            int src = f * m + colOff;
            int dst = (n * g.f + f) * pos;
            if (b == null) {
                System.arraycopy(part, src + q0, y, dst + q0, q1 - q0);
            } else {
                double bf = b[f];
                for (int q = q0; q < q1; q++) {
                    y[dst + q] = part[src + q] + bf;
                }
            }
        }
    }

    /**
     * Image {@code n}: unfolds it into {@code col_n} and writes {@code Y_n = W·col_n + b} into
     * {@code y} as image {@code at} (of the NCHW output, or of a worker's own buffer) — the same
     * product, with the same bits, whichever thread or path computes it.
     */
    private void forwardImage(Geometry g, Tensor[] in, int n, double[] y, int at, Scratch s) {
        int ckk = g.ckk();
        int pos = g.positions();
        int yOff = at * g.f * pos;
        double[] col = s.col(ckk * pos);
        im2col(g, in[0].data(), n, col, 0, pos, 0, g.oh - 1, 0, g.ow - 1);
        // Y_n (F × Ho·Wo) = W (F × C·kh·kw, read in place) · col_n (C·kh·kw × Ho·Wo).
        MatMul.gemm(in[1].data(), 0, ckk, 1, col, 0, pos, 1, y, yOff, g.f, ckk, pos);
        if (bias) {
            addBias(g, in[2].data(), y, yOff);
        }
    }

    /**
     * Whether the per-image path splits its images between the threads: when the batch is large
     * enough to gain and each image's product too small for the kernel to split by itself.
     */
    private static boolean perImageParallel(Geometry g) {
        long perImage = (long) g.f * g.ckk() * g.positions();
        return perImage * g.n >= PARALLEL_MIN_MACS && perImage < KERNEL_SPLIT_MACS;
    }

    /**
     * Work on one block of images, which writes its images' outputs into {@code out} from image
     * {@code at} on and, in the backward, its term of ∂L/∂W into {@code term} from
     * {@code termOff}.
     */
    @FunctionalInterface
    private interface ImageBlock {
        void run(int block, double[] out, int at, double[] term, int termOff, Scratch s);
    }

    /**
     * Runs {@code work} over the batch in blocks of {@code per} images (the last may be
     * shorter), block {@code b} writing {@code imageSize} entries an image of {@code out} from
     * image {@code b·per} on and, unless {@code terms} is null, {@code termSize} entries of
     * {@code terms} from {@code b·termSize}. With {@code parallel}, on the matmul threads
     * ({@link MatMul#share}): a worker computes its block into a zeroed buffer of its own and
     * copies it in unless the caller has taken the block over. Otherwise in order on the
     * calling thread. Each block is computed by the same code whichever thread runs it, so
     * results do not depend on the split.
     *
     * @param out the images' output, or null when the block writes none
     */
    private static void shareImages(Geometry g, int per, boolean parallel, double[] out, int imageSize,
            double[] terms, int termSize, ImageBlock work) {
        int blocks = (g.n + per - 1) / per;
        if (!parallel) {
            for (int b = 0; b < blocks; b++) {
                work.run(b, out, b * per, terms, b * termSize, SCRATCH.get());
            }
            return;
        }
        MatMul.share(blocks, new MatMul.SharedBlocks() {
            @Override
            public void direct(int b) {
                work.run(b, out, b * per, terms, b * termSize, SCRATCH.get());
            }

            @Override
            public void aside(int b) {
                Scratch t = SCRATCH.get();
                int outSize = outSize(b);
                double[] mine = t.aside(outSize + (terms == null ? 0 : termSize));
                // Zeroed as the outputs are: the backward adds into its images of ∂L/∂X.
                Arrays.fill(mine, 0, outSize + (terms == null ? 0 : termSize), 0.0);
                work.run(b, mine, 0, mine, outSize, t);
            }

            @Override
            public void commit(int b) {
                double[] mine = SCRATCH.get().aside(0);
                int outSize = outSize(b);
                if (out != null) {
                    System.arraycopy(mine, 0, out, b * per * imageSize, outSize);
                }
                if (terms != null) {
                    System.arraycopy(mine, outSize, terms, b * termSize, termSize);
                }
            }

            private int outSize(int b) {
                return out == null ? 0 : Math.min(per, g.n - b * per) * imageSize;
            }
        });
    }

    /**
     * Recomputes what changed entries influence, each recomputed entry with the bits
     * {@link #forward} gives it: a range of pixels changes, in every output channel, the output
     * positions whose windows can hold one of them; a range of weights or biases changes the
     * output channels of their filters.
     *
     * @param out {@code Y} for inputs that differ from {@code inputs} at most in those entries
     * @param input 0 ({@code X}), 1 ({@code W}) or 2 ({@code b})
     * @param from the first changed entry, row-major
     * @param to one past the last changed entry
     * @param inputs as {@link #forward}
     * @return {@code true}
     * @throws IllegalArgumentException if the inputs are wrong, or the input or range does not
     *     exist
     */
    @Override
    public boolean forwardEntriesInto(Tensor out, int input, int from, int to, Tensor... inputs) {
        Scratch s = SCRATCH.get();
        Geometry g = geometry(s.g, inputs);
        requireOutput(out, g, inputs);
        OpChecks.requireRange(name(), inputs, input, from, to);
        if (from == to) {
            return true;
        }
        double[] y = out.data();
        if (g.stacked()) {
            forwardEntriesStacked(g, inputs, input, from, to, y, s);
            return true;
        }
        if (input == 0) {
            int[] box = s.box;
            Window2d.inputBox(box, from, to, g.h, g.w);
            int n0 = box[4] / g.c;
            int n1 = box[5] / g.c;
            int oh0 = Window2d.firstOut(box[0], g.kh, strideH, padH, dilationH);
            int oh1 = Window2d.lastOut(box[1], strideH, padH, g.oh);
            int ow0 = Window2d.firstOut(box[2], g.kw, strideW, padW, dilationW);
            int ow1 = Window2d.lastOut(box[3], strideW, padW, g.ow);
            if (oh0 > oh1 || ow0 > ow1) {
                return true;   // a pixel no window holds (stride larger than the kernel)
            }
            for (int n = n0; n <= n1; n++) {
                if ((long) (oh1 - oh0 + 1) * (ow1 - ow0 + 1) * 4 > g.positions()) {
                    // Over a quarter of the image: the blocked product of the whole image.
                    forwardImage(g, inputs, n, y, n, s);
                } else {
                    recomputeWindow(g, inputs, n, oh0, oh1, ow0, ow1, y, s);
                }
            }
            return true;
        }
        int f0 = input == 1 ? from / g.ckk() : from;
        int f1 = input == 1 ? (to - 1) / g.ckk() : to - 1;
        if ((f1 - f0 + 1) * 4 > g.f) {
            forwardInto(out, inputs);
            return true;
        }
        recomputeChannels(g, inputs, f0, f1, y, s);
        return true;
    }

    /**
     * {@link #forwardEntriesInto} for stacked geometry: each recomputed entry through
     * {@link MatMul#region} on its chunk's product, the chain {@link #forwardStacked} gives it.
     * A changed pixel recomputes, in its image, the positions whose windows can hold it (only
     * those columns are unfolded: the region reads no other); a changed weight or bias its
     * filter's channel in every image.
     */
    private void forwardEntriesStacked(Geometry g, Tensor[] in, int input, int from, int to, double[] y, Scratch s) {
        int ckk = g.ckk();
        int pos = g.positions();
        int per = g.chunk();
        double[] x = in[0].data();
        double[] w = in[1].data();
        double[] b = bias ? in[2].data() : null;
        if (input == 0) {
            int[] box = s.box;
            Window2d.inputBox(box, from, to, g.h, g.w);
            int oh0 = Window2d.firstOut(box[0], g.kh, strideH, padH, dilationH);
            int oh1 = Window2d.lastOut(box[1], strideH, padH, g.oh);
            int ow0 = Window2d.firstOut(box[2], g.kw, strideW, padW, dilationW);
            int ow1 = Window2d.lastOut(box[3], strideW, padW, g.ow);
            if (oh0 > oh1 || ow0 > ow1) {
                return;   // a pixel no window holds (stride larger than the kernel)
            }
            for (int n = box[4] / g.c; n <= box[5] / g.c; n++) {
                int k = n % per;
                int m = Math.min(per, g.n - (n - k)) * pos;
                double[] col = s.col(ckk * m);
                double[] part = s.part(g.f * m);
                im2col(g, x, n, col, k * pos, m, oh0, oh1, ow0, ow1);
                for (int i = oh0; i <= oh1; i++) {
                    int q0 = i * g.ow + ow0;
                    int q1 = i * g.ow + ow1 + 1;
                    MatMul.region(w, col, part, g.f, ckk, m, 0, g.f, k * pos + q0, k * pos + q1);
                    scatter(g, part, m, k * pos, n, 0, g.f - 1, q0, q1, b, y);
                }
            }
            return;
        }
        int f0 = input == 1 ? from / ckk : from;
        int f1 = input == 1 ? (to - 1) / ckk : to - 1;
        for (int n0 = 0; n0 < g.n; n0 += per) {
            int images = Math.min(per, g.n - n0);
            int m = images * pos;
            double[] col = s.col(ckk * m);
            double[] part = s.part(g.f * m);
            unfoldInterleaved(g, x, n0, images, col, s);
            MatMul.region(w, col, part, g.f, ckk, m, f0, f1 + 1, 0, m);
            scatterInterleaved(g, part, n0, images, f0, f1, b, y);
        }
    }

    /**
     * Output positions {@code [oh0, oh1] × [ow0, ow1]} of image {@code n}, every channel. Only
     * those columns of {@code col_n} are unfolded, and {@link MatMul#region} computes each entry
     * by the chain of operations the whole product gives it.
     */
    private void recomputeWindow(Geometry g, Tensor[] in, int n, int oh0, int oh1, int ow0, int ow1, double[] y,
            Scratch s) {
        int ckk = g.ckk();
        int pos = g.positions();
        double[] col = s.col(ckk * pos);
        double[] part = s.part(g.f * pos);
        double[] w = in[1].data();
        im2col(g, in[0].data(), n, col, 0, pos, oh0, oh1, ow0, ow1);
        double[] b = bias ? in[2].data() : null;
        for (int i = oh0; i <= oh1; i++) {
            int q0 = i * g.ow + ow0;
            int q1 = i * g.ow + ow1 + 1;
            MatMul.region(w, col, part, g.f, ckk, pos, 0, g.f, q0, q1);
            for (int f = 0; f < g.f; f++) {
                int src = f * pos;
                int dst = (n * g.f + f) * pos;
                for (int q = q0; q < q1; q++) {
                    y[dst + q] = b == null ? part[src + q] : part[src + q] + b[f];
                }
            }
        }
    }

    /** Output channels {@code [f0, f1]} of every image, through {@link MatMul#region}. */
    private void recomputeChannels(Geometry g, Tensor[] in, int f0, int f1, double[] y, Scratch s) {
        int ckk = g.ckk();
        int pos = g.positions();
        double[] col = s.col(ckk * pos);
        double[] part = s.part(g.f * pos);
        double[] x = in[0].data();
        double[] w = in[1].data();
        double[] b = bias ? in[2].data() : null;
        for (int n = 0; n < g.n; n++) {
            im2col(g, x, n, col, 0, pos, 0, g.oh - 1, 0, g.ow - 1);
            MatMul.region(w, col, part, g.f, ckk, pos, f0, f1 + 1, 0, pos);
            for (int f = f0; f <= f1; f++) {
                int src = f * pos;
                int dst = (n * g.f + f) * pos;
                if (b == null) {
                    System.arraycopy(part, src, y, dst, pos);
                } else {
                    double bf = b[f];
                    for (int q = 0; q < pos; q++) {
                        y[dst + q] = part[src + q] + bf;
                    }
                }
            }
        }
    }

    /** Adds the bias to one image's F×Ho×Wo outputs, starting at {@code y[yOff]}. */
    private static void addBias(Geometry g, double[] b, double[] y, int yOff) {
        int pos = g.positions();
        for (int f = 0; f < g.f; f++) {
            double bf = b[f];
            for (int q = yOff + f * pos, end = q + pos; q < end; q++) {
                y[q] += bf;
            }
        }
    }

    /**
     * Unfolds output positions {@code [oh0, oh1] × [ow0, ow1]} of image {@code n}: row
     * {@code p = (c·kh + u)·kw + v} of {@code col} (row {@code p} starting at
     * {@code colOff + p·ld}: {@code ld} is Ho·Wo for one image, more for a stack of images side
     * by side) gets, at column {@code q = i·Wo + j}, the pixel
     * {@code X[n, c, i·sh − ph + u·dh, j·sw − pw + v·dw]}, or 0 where that lies in the padding.
     * Other columns are not written.
     */
    private void im2col(Geometry g, double[] x, int n, double[] col, int colOff, int ld, int oh0, int oh1, int ow0,
            int ow1) {
        for (int c = 0; c < g.c; c++) {
            int plane = (n * g.c + c) * g.h * g.w;
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++) {
                    int row = colOff + ((c * g.kh + u) * g.kw + v) * ld;
                    int dx = v * dilationW - padW;
                    // The columns j whose pixel j·sw + dx lies inside the image, clipped to [ow0, ow1].
                    int j0 = Math.max(ow0, dx >= 0 ? 0 : (-dx + strideW - 1) / strideW);
                    int j1 = Math.min(ow1, g.w - 1 - dx < 0 ? -1 : (g.w - 1 - dx) / strideW);
                    for (int i = oh0; i <= oh1; i++) {
                        int ih = i * strideH - padH + u * dilationH;
                        int dst = row + i * g.ow;
                        if (ih < 0 || ih >= g.h || j0 > j1) {
                            Arrays.fill(col, dst + ow0, dst + ow1 + 1, 0.0);
                            continue;
                        }
                        int src = plane + ih * g.w + dx;
                        // The padding at the ends of a row is a column or two: plain stores, not fill calls.
                        for (int j = ow0; j < j0; j++) {
                            col[dst + j] = 0.0;
                        }
                        if (strideW == 1 && j1 - j0 >= SHORT_ROW) {
                            System.arraycopy(x, src + j0, col, dst + j0, j1 - j0 + 1);
                        } else if (strideW == 1) {
                            // A row of a small image: a plain loop, cheaper than a copy call.
                            for (int j = j0; j <= j1; j++) {
                                col[dst + j] = x[src + j];
                            }
                        } else {
                            for (int j = j0; j <= j1; j++) {
                                col[dst + j] = x[src + j * strideW];
                            }
                        }
                        for (int j = j1 + 1; j <= ow1; j++) {
                            col[dst + j] = 0.0;
                        }
                    }
                }
            }
        }
    }

    /**
     * Images {@code [n0, n0 + images)} of {@code x} (N×C×H×W) copied into zero-padded planes
     * with the images innermost: {@code pad[((c·Hp + r)·Wp + j)·images + k]} holds pixel
     * {@code (r − ph, j − pw)} of channel {@code c} of image {@code n0 + k} (0 in the border).
     * Then a tap's row of the unfold is, for each output row, one run of Wo·images consecutive
     * entries (stride 1), where with the images outermost it is a gather through a table of
     * window starts: ≈ 1 ns an entry against ≈ 0.25 for a plain copy on this machine, and the
     * unfold and fold were half of the digits CNN's second conv.
     *
     * @return the padded planes, C·Hp·Wp·images entries of the thread's buffer
     */
    private double[] interleave(Geometry g, double[] x, int n0, int images, Scratch s) {
        double[] pad = zeroedPlanes(g, images, s);
        insides(g, x, n0, images, pad, false);
        return pad;
    }

    /** The thread's padded planes for {@code images} images, interleaved, zeroed (the border reads as 0). */
    private double[] zeroedPlanes(Geometry g, int images, Scratch s) {
        int size = g.c * (g.h + 2 * padH) * (g.w + 2 * padW) * images;
        double[] pad = s.padded(size);
        Arrays.fill(pad, 0, size, 0.0);
        return pad;
    }

    /**
     * Images {@code [n0, n0 + images)} of {@code x} (N×C×H×W) against the insides of padded
     * planes with the images innermost ({@link #interleave}'s layout): copied into the planes,
     * or (with {@code toX}) out of them.
     */
    private void insides(Geometry g, double[] x, int n0, int images, double[] pad, boolean toX) {
        int hp = g.h + 2 * padH;
        int wp = g.w + 2 * padW;
        for (int k = 0; k < images; k++) {
            for (int c = 0; c < g.c; c++) {
                int xi = ((n0 + k) * g.c + c) * g.h * g.w;
                for (int r = 0; r < g.h; r++) {
                    int pi = ((c * hp + r + padH) * wp + padW) * images + k;
                    for (int j = 0; j < g.w; j++, xi++) {
                        if (toX) {
                            x[xi] = pad[pi + j * images];
                        } else {
                            pad[pi + j * images] = x[xi];
                        }
                    }
                }
            }
        }
    }

    /**
     * The unfold of images {@code [n0, n0 + images)} with the images innermost: row
     * {@code p = (c·kh + u)·kw + v} of {@code col} ({@code m = Ho·Wo·images} long) gets, at
     * column {@code (i·Wo + j)·images + k}, the pixel
     * {@code X[n0 + k, c, i·sh − ph + u·dh, j·sw − pw + v·dw]} (0 in the padding): the same
     * entries as {@link #im2col} writes for each image, in another column order.
     */
    private void unfoldInterleaved(Geometry g, double[] x, int n0, int images, double[] col, Scratch s) {
        throughRuns(g, interleave(g, x, n0, images, s), col, images, false);
    }

    /**
     * What {@link #unfoldInterleaved} and {@link #foldInterleaved} share: each tap's row of
     * {@code col} against the padded planes with the images innermost, a run of
     * {@code images} entries per output position (Wo·images per output row at unit stride),
     * tap by tap in order: copied out of the planes, or (with {@code fold}) added into them.
     */
    private void throughRuns(Geometry g, double[] pad, double[] col, int images, boolean fold) {
        int hp = g.h + 2 * padH;
        int wp = g.w + 2 * padW;
        int run = g.ow * images;
        int m = g.oh * run;
        // At unit stride an output row's positions are one run; otherwise one run per position.
        int len = strideW == 1 ? run : images;
        int runs = strideW == 1 ? 1 : g.ow;
        for (int c = 0, p = 0; c < g.c; c++) {
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++, p++) {
                    for (int i = 0; i < g.oh; i++) {
                        int at = ((c * hp + i * strideH + u * dilationH) * wp + v * dilationW) * images;
                        int row = p * m + i * run;
                        for (int j = 0; j < runs; j++) {
                            int a = at + j * strideW * images;
                            int r = row + j * images;
                            if (fold) {
                                // A loop the JIT vectorizes.
                                for (int e = 0; e < len; e++) {
                                    pad[a + e] += col[r + e];
                                }
                            } else {
                                System.arraycopy(pad, a, col, r, len);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Folds an unfolded gradient of a chunk of {@code images} images with the images innermost
     * ({@link #unfoldInterleaved}'s layout) into images {@code [at, at + images)} of {@code dx}:
     * each tap's runs added into zeroed padded planes in tap order (within a tap no two
     * positions share a pixel, so each pixel receives its terms in {@link #col2im}'s order, the
     * same sums bit for bit), the planes' insides then written into {@code dx}.
     */
    private void foldInterleaved(Geometry g, double[] dcol, int at, int images, double[] dx, Scratch s) {
        double[] pad = zeroedPlanes(g, images, s);
        throughRuns(g, pad, dcol, images, true);
        // Written, not added: each pixel of these images belongs to this chunk alone, and its sum
        // in the planes started from +0.0 (so it is never −0.0): the bits of 0 + the sum.
        insides(g, dx, at, images, pad, true);
    }

    // ------------------------------------------------------------------ backward

    /**
     * @param inputs {@code X, W} (and {@code b}) as given to {@link #forward}
     * @param output {@code Y}
     * @param gradOutput {@code G = ∂L/∂Y}, N×F×Ho×Wo
     * @return {@code ∂L/∂X} (col2im of {@code Wᵀ·G_n}), {@code ∂L/∂W = Σ_n G_n·col_nᵀ} and,
     *     with bias, {@code ∂L/∂b[f] = Σ G[·,f,·,·]}
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput) {
        boolean[] all = new boolean[arity()];
        Arrays.fill(all, true);
        return backward(inputs, output, gradOutput, all);
    }

    /**
     * As {@link #backward(Tensor[], Tensor, Tensor)}, computing only the gradients asked for:
     * the first layer's {@code ∂L/∂X} (a third of the work) is skipped when {@code X} is data.
     */
    @Override
    public Tensor[] backward(Tensor[] inputs, Tensor output, Tensor gradOutput, boolean[] needsInputGrad) {
        Geometry g = geometry(new Geometry(), inputs);
        if (gradOutput.rank() != 4 || gradOutput.dim(0) != g.n || gradOutput.dim(1) != g.f
                || gradOutput.dim(2) != g.oh || gradOutput.dim(3) != g.ow) {
            throw new IllegalArgumentException("Conv2d backward: the gradient is " + gradOutput.shape()
                    + " but the output is " + Tensor.shape(g.n, g.f, g.oh, g.ow) + "; they must have the same shape");
        }
        double[] dy = gradOutput.data();
        Tensor[] grads = new Tensor[arity()];
        boolean wantX = needsInputGrad[0];
        boolean wantW = needsInputGrad[1];
        boolean wantB = bias && needsInputGrad[2];
        int ckk = g.ckk();
        int pos = g.positions();
        if (wantB && !wantW) {
            grads[2] = Tensor.wrap(new int[] {g.f}, biasGradient(g, dy));
        }
        if (!wantX && !wantW) {
            return grads;
        }
        double[] x = inputs[0].data();
        double[] w = inputs[1].data();
        double[] dx = wantX ? new double[x.length] : null;
        // With ∂L/∂W, ∂L/∂b comes out of the same products: a row of ones under col makes the
        // last row of each term col·Gᵀ (column of G·colᵀ) the sums Σ_q G[f,q].
        int rows = wantB ? ckk + 1 : ckk;
        if (g.stacked()) {
            return backwardStacked(g, inputs, dy, grads, dx, rows, wantX, wantW, wantB);
        }
        // Each image's ∂L/∂W term apart, summed below in the order of the images, so that the
        // sum does not depend on how the images were split between threads.
        double[] partials = wantW ? new double[g.n * rows * g.f] : null;
        shareImages(g, 1, perImageParallel(g), dx, g.c * g.h * g.w, partials, rows * g.f,
                (n, out, at, term, termOff, t) -> backwardImage(g, x, w, dy, n, rows, wantX, wantW, wantB, out,
                        at, term, termOff, t));
        if (wantX) {
            grads[0] = Tensor.wrap(inputs[0].dims(), dx);
        }
        if (wantW) {
            sumPartials(partials, g.n, rows, ckk, g.f, wantB, false, inputs[1].dims(), grads);
        }
        return grads;
    }

    /**
     * Image {@code n} of the per-image backward: its ∂L/∂X added into {@code dx} as image
     * {@code at} (zeros on entry), its term {@code col_n·G_nᵀ} of ∂L/∂W (rows × F, the bias's row
     * last) into {@code part} from {@code partOff}.
     */
    private void backwardImage(Geometry g, double[] x, double[] w, double[] dy, int n, int rows, boolean wantX,
            boolean wantW, boolean wantB, double[] dx, int at, double[] part, int partOff, Scratch t) {
        int ckk = g.ckk();
        int pos = g.positions();
        int gn = n * g.f * pos;   // G_n in the NCHW gradient
        if (wantW) {
            double[] col = t.col(rows * pos);
            im2col(g, x, n, col, 0, pos, 0, g.oh - 1, 0, g.ow - 1);
            if (wantB) {
                Arrays.fill(col, ckk * pos, rows * pos, 1.0);
            }
            // P_nᵀ (rows × F) = col_n (rows × Ho·Wo, read in place along the long inner
            // dimension) · G_nᵀ (G_n read transposed: F columns packed, not col_n).
            MatMul.gemm(col, 0, pos, 1, dy, gn, 1, pos, part, partOff, rows, pos, g.f);
        }
        if (wantX) {
            double[] dcol = t.dcol(ckk * pos);
            // dcol_n (C·kh·kw × Ho·Wo) = Wᵀ · G_n, W read transposed in place.
            MatMul.gemm(w, 0, 1, ckk, dy, gn, pos, 1, dcol, 0, ckk, g.f, pos);
            col2im(g, dcol, 0, pos, dx, at * g.c * g.h * g.w);
        }
    }

    /**
     * The backward pass for stacked geometry (see {@link #forwardStacked}), a chunk of images at
     * a time: the chunk's {@code G} gathered into F × (images·Ho·Wo), then
     * {@code P_cᵀ = col_c·G_cᵀ} (with the row of ones for {@code ∂L/∂b}; for a small
     * {@code ∂L/∂W}, {@code G_c·col_cᵀ} through {@link MatMul#gemmNT}) and
     * {@code dcol_c = Wᵀ·G_c} folded back. The chunks run side by side on the threads; their
     * {@code ∂L/∂W} terms are summed in chunk order, so the bits do not depend on the thread
     * count.
     */
    private Tensor[] backwardStacked(Geometry g, Tensor[] inputs, double[] dy, Tensor[] grads, double[] dx, int rows,
            boolean wantX, boolean wantW, boolean wantB) {
        int per = g.chunk();
        double[] x = inputs[0].data();
        double[] w = inputs[1].data();
        int chunks = (g.n + per - 1) / per;
        // A small ∂L/∂W (the digits CNN's first conv: 8 × 10 with the bias) as dot products of
        // rows m long (MatMul.gemmNT): gemm's col_c · G_cᵀ packs G_cᵀ a column at a time and
        // runs its row blocks of 8 on 10 rows, and took 2.0× as long for that whole backward
        // (bench/ab, paired). For a larger one (the second conv's 16 × 73) gemm was faster.
        boolean byFilter = g.f * rows <= DOT_MAX_ENTRIES;
        double[] partials = wantW ? new double[chunks * g.f * rows] : null;
        // Chunks side by side on the matmul threads (each writes its own images of ∂L/∂X and its
        // own term of ∂L/∂W; a worker into a buffer of its own, copied in unless the caller has
        // taken the chunk over); each chunk's products are below the kernel's own split.
        shareImages(g, per, true, dx, g.c * g.h * g.w, partials, g.f * rows,
                (c, out, at, term, termOff, t) -> backwardChunk(g, x, w, dy, c, per, rows, wantX, wantW, wantB,
                        byFilter, out, at, term, termOff, t));
        if (wantX) {
            grads[0] = Tensor.wrap(inputs[0].dims(), dx);
        }
        if (wantW) {
            sumPartials(partials, chunks, rows, g.ckk(), g.f, wantB, byFilter, inputs[1].dims(), grads);
        }
        return grads;
    }

    /**
     * Chunk {@code c} of {@link #backwardStacked}: its images of ∂L/∂X written into {@code dx}
     * from image {@code at} on, its term of ∂L/∂W into {@code part} from {@code partOff}.
     */
    private void backwardChunk(Geometry g, double[] x, double[] w, double[] dy, int c, int per, int rows,
            boolean wantX, boolean wantW, boolean wantB, boolean byFilter, double[] dx, int at, double[] part,
            int partOff, Scratch s) {
        int ckk = g.ckk();
        int pos = g.positions();
        int n0 = c * per;
        int images = Math.min(per, g.n - n0);
        int m = images * pos;
        double[] gc = s.grad(g.f * m);
        // G_c with the images innermost, the columns of the interleaved unfold.
        for (int f = 0; f < g.f; f++) {
            for (int k = 0; k < images; k++) {
                int src = ((n0 + k) * g.f + f) * pos;
                int dst = f * m + k;
                for (int q = 0; q < pos; q++) {
                    gc[dst + q * images] = dy[src + q];
                }
            }
        }
        if (wantW) {
            double[] col = s.col(rows * m);
            unfoldInterleaved(g, x, n0, images, col, s);
            if (wantB) {
                Arrays.fill(col, ckk * m, rows * m, 1.0);
            }
            if (byFilter) {
                // The term G_c · col_cᵀ (F × rows), dot products of rows m long.
                MatMul.gemmNT(gc, 0, m, col, 0, m, part, partOff, g.f, m, rows);
            } else {
                // P_cᵀ (rows × F) = col_c (rows × m) · G_cᵀ (G_c read transposed in place).
                MatMul.gemm(col, 0, m, 1, gc, 0, 1, m, part, partOff, rows, m, g.f);
            }
        }
        if (wantX) {
            double[] dcol = s.dcol(ckk * m);
            // dcol_c (C·kh·kw × m) = Wᵀ · G_c, W read transposed in place.
            MatMul.gemm(w, 0, 1, ckk, gc, 0, m, 1, dcol, 0, ckk, g.f, m);
            foldInterleaved(g, dcol, at, images, dx, s);
        }
    }

    /**
     * Adds up the per-image (or per-chunk) terms of ∂L/∂W — {@code parts} blocks of
     * {@code rows × F} ({@code col·Gᵀ}), or {@code F × rows} ({@code G·colᵀ}) when
     * {@code byFilter}, the bias's row or column last (from the row of ones under col) when
     * {@code wantB} — into ∂L/∂W (F × C·kh·kw) in {@code grads[1]} and, if wanted, ∂L/∂b in
     * {@code grads[2]}. Summed in block order, so the bits do not depend on the thread count.
     */
    private static void sumPartials(double[] partials, int parts, int rows, int ckk, int nf, boolean wantB,
            boolean byFilter, int[] wDims, Tensor[] grads) {
        double[] dw = new double[nf * ckk];
        double[] db = wantB ? new double[nf] : null;
        // Entry (p, f) of a block: p·F + f, or f·rows + p by filter.
        int ps = byFilter ? 1 : nf;
        int fs = byFilter ? rows : 1;
        for (int c = 0; c < parts; c++) {
            int off = c * rows * nf;
            for (int f = 0; f < nf; f++) {
                for (int p = 0; p < ckk; p++) {
                    dw[f * ckk + p] += partials[off + p * ps + f * fs];
                }
                if (wantB) {
                    db[f] += partials[off + ckk * ps + f * fs];
                }
            }
        }
        grads[1] = Tensor.wrap(wDims, dw);
        if (wantB) {
            grads[2] = Tensor.wrap(new int[] {nf}, db);
        }
    }

    /** {@code ∂L/∂b[f] = Σ_{n,q} G[n,f,q]}, when ∂L/∂W is not wanted alongside. */
    private static double[] biasGradient(Geometry g, double[] dy) {
        int pos = g.positions();
        double[] db = new double[g.f];
        for (int f = 0; f < g.f; f++) {
            // Four running sums: one chain of additions would wait on each add's latency.
            double a0 = 0;
            double a1 = 0;
            double a2 = 0;
            double a3 = 0;
            for (int n = 0; n < g.n; n++) {
                int q = (n * g.f + f) * pos;
                int end = q + pos;
                for (; q + 3 < end; q += 4) {
                    a0 += dy[q];
                    a1 += dy[q + 1];
                    a2 += dy[q + 2];
                    a3 += dy[q + 3];
                }
                for (; q < end; q++) {
                    a0 += dy[q];
                }
            }
            db[f] = (a0 + a1) + (a2 + a3);
        }
        return db;
    }

    /**
     * Folds an unfolded gradient back onto image {@code n} of {@code dx}: the inverse
     * bookkeeping of {@link #im2col} (same {@code colOff} and {@code ld}), adding where im2col
     * copied and dropping what fell in the padding (a pixel in several windows receives the sum).
     */
    private void col2im(Geometry g, double[] dcol, int colOff, int ld, double[] dx, int dxOff) {
        for (int c = 0; c < g.c; c++) {
            int plane = dxOff + c * g.h * g.w;
            for (int u = 0; u < g.kh; u++) {
                for (int v = 0; v < g.kw; v++) {
                    int row = colOff + ((c * g.kh + u) * g.kw + v) * ld;
                    int dxo = v * dilationW - padW;
                    int j0 = dxo >= 0 ? 0 : (-dxo + strideW - 1) / strideW;
                    int j1 = Math.min(g.ow - 1, g.w - 1 - dxo < 0 ? -1 : (g.w - 1 - dxo) / strideW);
                    for (int i = 0; i < g.oh; i++) {
                        int ih = i * strideH - padH + u * dilationH;
                        if (ih < 0 || ih >= g.h) {
                            continue;
                        }
                        int src = row + i * g.ow;
                        int dst = plane + ih * g.w + dxo;
                        if (strideW == 1) {
                            // Unit stride, the common case: a loop the JIT vectorizes.
                            for (int j = j0; j <= j1; j++) {
                                dx[dst + j] += dcol[src + j];
                            }
                        } else {
                            for (int j = j0; j <= j1; j++) {
                                dx[dst + j * strideW] += dcol[src + j];
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ shapes

    /** Validates the inputs and fills {@code g} with the sizes. */
    private Geometry geometry(Geometry g, Tensor[] inputs) {
        Op.requireInputs(this, inputs);
        Tensor x = inputs[0];
        Tensor w = inputs[1];
        Window2d.requireImages("Conv2d", "X", x);
        if (w.rank() != 4) {
            throw new IllegalArgumentException("Conv2d: W is " + w.shape() + " (rank " + w.rank()
                    + ") but must be F×C×kh×kw (filters, channels, kernel height, kernel width), rank 4");
        }
        Window2d.requireNonEmpty("Conv2d", "W", w, "F×C×kh×kw");
        if (w.dim(1) != x.dim(1)) {
            throw new IllegalArgumentException("Conv2d: X is " + x.shape() + " with " + x.dim(1) + " channels but W is "
                    + w.shape() + ", filters over " + w.dim(1) + " channels; W must be F×" + x.dim(1)
                    + "×kh×kw (its second axis is X's channels, N×C×H×W)");
        }
        if (bias) {
            Tensor b = inputs[2];
            if (b.rank() != 1 || b.dim(0) != w.dim(0)) {
                throw new IllegalArgumentException("Conv2d: b is " + b.shape() + " but W is " + w.shape() + " ("
                        + w.dim(0) + " filters); b must be (" + w.dim(0) + "), one bias per filter, rank 1"
                        + (b.size() == w.dim(0) ? " (reshape(" + w.dim(0) + "))" : ""));
            }
        }
        g.n = x.dim(0);
        g.c = x.dim(1);
        g.h = x.dim(2);
        g.w = x.dim(3);
        g.f = w.dim(0);
        g.kh = w.dim(2);
        g.kw = w.dim(3);
        g.oh = outLength("height", g.h, g.kh, strideH, padH, dilationH, x, w);
        g.ow = outLength("width", g.w, g.kw, strideW, padW, dilationW, x, w);
        return g;
    }

    private static int outLength(String axis, int in, int k, int s, int p, int d, Tensor x, Tensor w) {
        try {
            return Window2d.outLength("Conv2d", axis, in, k, s, p, d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (X is " + x.shape() + ", W is " + w.shape() + ")", e);
        }
    }

    private void requireOutput(Tensor out, Geometry g, Tensor[] inputs) {
        if (out.rank() != 4 || out.dim(0) != g.n || out.dim(1) != g.f || out.dim(2) != g.oh || out.dim(3) != g.ow) {
            throw new IllegalArgumentException("Conv2d: the output buffer is " + out.shape() + " but the output is "
                    + Tensor.shape(g.n, g.f, g.oh, g.ow) + "; pass a buffer shaped like the output");
        }
        for (Tensor t : inputs) {
            if (out.data() == t.data()) {
                throw new IllegalArgumentException("Conv2d: the output buffer is an input; pass a separate tensor");
            }
        }
    }

    /** The sizes of one call. */
    private static final class Geometry {
        int n;
        int c;
        int h;
        int w;
        int f;
        int kh;
        int kw;
        int oh;
        int ow;

        int ckk() {
            return c * kh * kw;
        }

        int positions() {
            return oh * ow;
        }

        /** Whether images are multiplied a chunk at a time (small output planes). */
        boolean stacked() {
            return positions() <= STACK_MAX_POSITIONS;
        }

        /**
         * The images of one stacked chunk: chunk {@code c} holds images {@code [c·chunk,
         * (c+1)·chunk)}. At most {@value Conv2d#STACK_COLUMNS} columns, and a product below
         * {@link Conv2d#KERNEL_SPLIT_MACS} multiply-adds (which the kernel keeps on one thread),
         * so that the chunks themselves can run side by side on the threads; a batch worth
         * splitting ({@link Conv2d#PARALLEL_MIN_MACS}) gets at least two. Fixed by the sizes alone — never by the
         * thread count — so the chunks' ∂L/∂W terms, summed in chunk order, have the same bits
         * with one thread or many.
         */
        int chunk() {
            long perImage = Math.max(1L, (long) f * ckk() * positions());
            long most = Math.min(Math.max(1, STACK_COLUMNS / Math.max(1, positions())),
                    Math.max(1, (KERNEL_SPLIT_MACS - 1) / perImage));
            long chunks = (n + most - 1) / most;
            if (chunks == 1 && n >= 2 && perImage * n >= PARALLEL_MIN_MACS) {
                chunks = 2;
            }
            // As many chunks as needed, of equal size: 96 images in 64s would leave a chunk of 32.
            return (int) Math.max(1, (n + chunks - 1) / Math.max(1, chunks));
        }
    }

    /**
     * One thread's buffers, grown as needed and reused; a buffer larger than
     * {@link #RETAIN_LIMIT} doubles is handed out fresh and not kept, so one huge batch does not
     * pin its unfolded copy to a thread for good.
     */
    private static final class Scratch {
        static final int RETAIN_LIMIT = 1 << 22;

        final Geometry g = new Geometry();
        final int[] box = new int[6];
        private double[] col = new double[0];
        private double[] dcol = new double[0];
        private double[] part = new double[0];
        private double[] grad = new double[0];
        /** Zero-padded image planes (zeroed by each user). */
        private double[] padded = new double[0];
        /** A worker's private copy of a chunk's outputs ({@link MatMul.SharedBlocks#aside}). */
        private double[] aside = new double[0];

        double[] col(int size) {
            if (col.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                col = new double[size];
            }
            return col;
        }

        double[] dcol(int size) {
            if (dcol.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                dcol = new double[size];
            }
            return dcol;
        }

        /** Room for a chunk's outputs computed aside (size 0: the current one). */
        double[] aside(int size) {
            if (aside.length < size) {
                aside = new double[size];
            }
            return aside;
        }

        /** Padded planes: at least {@code size} entries, holding whatever the last user left. */
        double[] padded(int size) {
            if (padded.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                padded = new double[size];
            }
            return padded;
        }

        double[] grad(int size) {
            if (grad.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                grad = new double[size];
            }
            return grad;
        }

        double[] part(int size) {
            if (part.length < size) {
                if (size > RETAIN_LIMIT) {
                    return new double[size];
                }
                part = new double[size];
            }
            return part;
        }
    }
}
