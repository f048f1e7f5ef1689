package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumbersTest {

    /** Expected strings are what CPython 3 prints for str(float(v)). */
    @ParameterizedTest
    @CsvSource({
        "2.919335883291695e-10, 2.919335883291695e-10",
        "0.2850931567761624, 0.2850931567761624",
        "1.1890913024229996e-07, 1.1890913024229996e-07",
        "2.407833389834357, 2.407833389834357",
        "8, 8.0",
        "0.1, 0.1",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "-0.00012345, -0.00012345",
        "1e16, 1e+16",
        "123456789012345.6, 123456789012345.6",
        "2e-300, 2e-300",
        "5e-324, 5e-324",
    })
    void printsLikePython(double v, String python) {
        assertThat(Numbers.python(v)).isEqualTo(python);
    }

    @ParameterizedTest
    @CsvSource({"8, 8", "2, 2", "-3, -3", "2.5, 2.5"})
    void wholeNumbersPrintWithoutAFraction(double v, String text) {
        assertThat(Numbers.whole(v)).isEqualTo(text);
    }
}
