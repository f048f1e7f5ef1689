package org.autodifflite.demo;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats numbers the way the seed notebook printed them, so the walkthrough's figures can be
 * compared with the notebook's digit for digit: Python's {@code str(float)} — the shortest
 * decimal that reads back as the same double, positional from 1e-4 up to 1e16, otherwise
 * scientific with a two-digit exponent ({@code 1.1890913024229996e-07}). Java 17's
 * {@code Double.toString} differs in form and, for some values, in digits.
 */
final class Numbers {

    private Numbers() {
    }

    /**
     * @param v a double
     * @return Python's {@code str(v)}
     */
    static String python(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return 1 / v < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(v);
        BigDecimal shortest = exact;
        for (int p = 1; p <= 17; p++) {
            BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
            if (c.doubleValue() == v) {
                shortest = c;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        int exponent = shortest.precision() - shortest.scale() - 1;
        if (exponent < -4 || exponent >= 16) {
            String digits = shortest.unscaledValue().abs().toString();
            String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            return (v < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                    + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
        }
        String plain = shortest.toPlainString();
        return plain.contains(".") ? plain : plain + ".0";
    }

    /**
     * A number as the notebook printed a value that Python held as an integer ({@code J = 8}):
     * without a fraction when it is a whole number, else as {@link #python}.
     *
     * @param v a double
     * @return the text
     */
    static String whole(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : python(v);
    }

    /**
     * A short scientific form for tables: three significant digits ({@code 1.19e-07}).
     *
     * @param v a double
     * @return the text
     */
    static String sci(double v) {
        return Double.isFinite(v) ? String.format(java.util.Locale.ROOT, "%.2e", v) : python(v);
    }
}
