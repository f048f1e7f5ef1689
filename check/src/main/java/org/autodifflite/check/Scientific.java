package org.autodifflite.check;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * {@code String.format(Locale.ROOT, "%.<digits>e", v)} without the cost of {@link java.util.Formatter}
 * (parsing the pattern, locale symbols), which dominated the time of a small failing check: the
 * worst entries of every failed input are printed with it. The result is the same text: the
 * formatter rounds the shortest decimal representation of {@code v} (the digits of
 * {@link Double#toString(double)}) half up to {@code digits + 1} significant digits, and so does
 * this.
 */
final class Scientific {

    private Scientific() {
    }

    /**
     * @param v any double
     * @param digits digits after the point, 0 to 16
     * @return the same text as {@code String.format(Locale.ROOT, "%.<digits>e", v)}
     */
    static String format(double v, int digits) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        StringBuilder sb = new StringBuilder(digits + 8);
        if (Double.compare(v, 0.0) < 0) {
            sb.append('-'); // also for −0.0, as the formatter does
            v = -v;
        }
        char[] sig = new char[digits + 1];
        int exp;
        if (v == 0) {
            Arrays.fill(sig, '0');
            exp = 0;
        } else {
            String s = Double.toString(v); // "123.45", "0.00123" or "1.2345E-7"
            int e = s.indexOf('E');
            String mantissa = e < 0 ? s : s.substring(0, e);
            int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
            int point = mantissa.indexOf('.');
            // All digits, and the position of the point among them.
            String all = mantissa.substring(0, point) + mantissa.substring(point + 1);
            int lead = 0;
            while (lead < all.length() - 1 && all.charAt(lead) == '0') {
                lead++;
            }
            String d = all.substring(lead);
            // value = 0.d × 10^(point − lead + exp10), so d[0].d[1…] × 10^(point − lead + exp10 − 1)
            exp = point - lead + exp10 - 1;
            int n = d.length();
            while (n > 1 && d.charAt(n - 1) == '0') {
                n--; // trailing zeros carry nothing
            }
            for (int k = 0; k < sig.length; k++) {
                sig[k] = k < n ? d.charAt(k) : '0';
            }
            if (n > sig.length && d.charAt(sig.length) >= '5') {
                int k = sig.length - 1;
                while (k >= 0 && sig[k] == '9') {
                    sig[k--] = '0';
                }
                if (k >= 0) {
                    sig[k]++;
                } else {
                    // 9.99…→10.0…: one more digit in front, the exponent up by one
                    System.arraycopy(sig, 0, sig, 1, sig.length - 1);
                    sig[0] = '1';
                    exp++;
                }
            }
        }
        sb.append(sig[0]);
        if (digits > 0) {
            sb.append('.').append(sig, 1, digits);
        }
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        return sb.append(a).toString();
    }

    /**
     * @param v any double
     * @param digits digits after the point, 0 or more
     * @return the same text as {@code String.format(Locale.ROOT, "%.<digits>f", v)}: the
     *     shortest decimal representation rounded half up, the sign kept (also for −0.0 and
     *     values that round to zero)
     */
    static String fixed(double v, int digits) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "Infinity" : "-Infinity";
        }
        String s = new BigDecimal(Double.toString(Math.abs(v))).setScale(digits, RoundingMode.HALF_UP).toPlainString();
        return Double.compare(v, 0.0) < 0 ? "-" + s : s;
    }
}
