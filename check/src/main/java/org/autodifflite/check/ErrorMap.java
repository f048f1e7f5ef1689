package org.autodifflite.check;

/**
 * The error {@code |analytic − numeric|} of every checked entry of one failing input, laid out
 * as a matrix for a heat map: rows are all axes but the last (flattened), columns the last axis.
 * Large inputs are downsampled to at most {@link #MAX_SIDE} × {@link #MAX_SIDE} cells, each cell
 * holding the largest error and the worst state of its block, so a report's memory does not grow
 * with the input. Kept only for inputs that did not pass.
 */
final class ErrorMap {

    /** The most cells along either side of the map. */
    static final int MAX_SIDE = 64;

    /** Cell states, worst last. */
    static final byte NOT_CHECKED = 0;
    static final byte PASS = 1;
    static final byte KINK = 2;
    static final byte FAIL = 3;
    static final byte NON_FINITE = 4;

    final int[] dims;
    /** the input as a matrix: rows × cols entries */
    final int rows;
    final int cols;
    /** entries per cell along each side (1 when not downsampled) */
    final int blockRows;
    final int blockCols;
    final int cellRows;
    final int cellCols;
    /** per cell, the largest finite error of its decided entries (NaN if none) */
    final double[] error;
    final byte[] state;

    private ErrorMap(int[] dims) {
        this.dims = dims.clone();
        int c = dims.length == 0 ? 1 : dims[dims.length - 1];
        long r = 1;
        for (int a = 0; a < dims.length - 1; a++) {
            r *= dims[a];
        }
        this.rows = (int) r;
        this.cols = c;
        this.blockRows = Math.max(1, (rows + MAX_SIDE - 1) / MAX_SIDE);
        this.blockCols = Math.max(1, (cols + MAX_SIDE - 1) / MAX_SIDE);
        this.cellRows = Math.max(1, (rows + blockRows - 1) / blockRows);
        this.cellCols = Math.max(1, (cols + blockCols - 1) / blockCols);
        this.error = new double[cellRows * cellCols];
        this.state = new byte[cellRows * cellCols];
        java.util.Arrays.fill(error, Double.NaN);
    }

    /**
     * Names a cell by index tuples of the input, whatever its rank: {@code (1, 0, 2, 3)} for one
     * entry; for a block of a downsampled map, its first and last entries, {@code (0, 0, 0) … (1,
     * 3, 7)} (the rows of the map are all axes but the last, flattened).
     *
     * @param rr the cell's row in the map
     * @param cc the cell's column
     * @return the entry or block the cell stands for
     */
    String cellName(int rr, int cc) {
        int r0 = rr * blockRows;
        int c0 = cc * blockCols;
        String first = Shapes.index(r0 * cols + c0, dims);
        if (!downsampled()) {
            return first;
        }
        int r1 = Math.min(rows, r0 + blockRows) - 1;
        int c1 = Math.min(cols, c0 + blockCols) - 1;
        return "block " + first + " … " + Shapes.index(r1 * cols + c1, dims);
    }

    /** @return whether each cell stands for a block of several entries */
    boolean downsampled() {
        return blockRows > 1 || blockCols > 1;
    }

    /** Builds the map of decided entries. */
    static ErrorMap of(Diagnosis.Entries e) {
        ErrorMap m = new ErrorMap(e.dims);
        for (int k = 0; k < e.size(); k++) {
            int flat = e.index[k];
            int r = m.cols == 0 ? 0 : flat / m.cols;
            int c = m.cols == 0 ? 0 : flat % m.cols;
            int cell = (r / m.blockRows) * m.cellCols + c / m.blockCols;
            byte s;
            switch (e.verdicts[k]) {
                case PASS:
                    s = PASS;
                    break;
                case SKIPPED:
                    s = KINK;
                    break;
                case NON_FINITE:
                    s = NON_FINITE;
                    break;
                default:
                    s = FAIL;
            }
            m.state[cell] = (byte) Math.max(m.state[cell], s);
            double d = Math.abs(e.analytic[k] - e.numeric[k]);
            if (s != KINK && Double.isFinite(d) && !(m.error[cell] >= d)) {
                m.error[cell] = d;
            }
        }
        return m;
    }
}
