package org.autodifflite.layers.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled digits load as documented (1,797 images N×1×8×8 in [0, 1], labels 1×N, the class
 * counts of the README), their source and licences travel with them, a stratified split keeps
 * each digit's share, the dense view is the same pixels, and a damaged file is refused naming
 * its line and column.
 */
class DigitsTest {

    @TempDir
    Path dir;

    @Test
    void theBundledDigitsAre1797ImagesOf8By8PixelsInZeroOneWithTheirLabels() {
        Digits d = Digits.load();
        assertThat(d.size()).isEqualTo(1797);
        assertThat(d.images().dims()).containsExactly(1797, 1, 8, 8);
        assertThat(d.labels().dims()).containsExactly(1, 1797);
        assertThat(d.counts()).containsExactly(178, 182, 177, 183, 181, 182, 181, 179, 174, 180);
        for (double v : d.images().data()) {
            assertThat(v).isBetween(0.0, 1.0);
            assertThat(v * 16).isEqualTo(Math.rint(v * 16));   // a count of 0 … 16, divided by 16
        }
        // The file's first line: 0,0,5,13,9,1,0,0, 0,0,13,15,10,15,5,0, … a zero.
        assertThat(d.label(0)).isZero();
        assertThat(d.images().slice(0, 0, 1).data()).startsWith(0, 0, 5 / 16.0, 13 / 16.0, 9 / 16.0, 1 / 16.0, 0, 0,
                0, 0, 13 / 16.0, 15 / 16.0, 10 / 16.0, 15 / 16.0, 5 / 16.0, 0);
        assertThat(d.label(1)).isEqualTo(1);
        assertThat(d.source()).isEqualTo("UCI optical digits (scikit-learn's copy)");
    }

    @Test
    void theSourceAndBothLicencesAreNotedBesideTheFile() throws IOException {
        String readme = resource("digits/README.md");
        assertThat(readme).contains("Alpaydin", "Kaynak", "UCI Machine Learning Repository", "CC BY 4.0",
                "scikit-learn 1.9.1", "BSD 3-Clause", "LICENSE-scikit-learn.txt");
        assertThat(resource("digits/LICENSE-scikit-learn.txt")).startsWith("BSD 3-Clause License")
                .contains("Copyright (c) 2007-2026 The scikit-learn developers.");
        assertThat(resource("digits/digits.rst")).contains("Optical recognition of handwritten digits dataset");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Digits.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aSeededSplitIsStratifiedByDigitAndKeepsEachImageWithItsLabel() {
        Digits d = Digits.load();
        Digits.Parts p = d.split(0.2, 42);
        Digits.Parts again = d.split(0.2, 42);
        assertThat(p.train().size() + p.test().size()).isEqualTo(1797);
        assertThat(p.test().images()).isEqualTo(again.test().images());
        int[] all = d.counts();
        int[] test = p.test().counts();
        for (int c = 0; c < 10; c++) {
            assertThat(test[c]).isEqualTo((int) Math.round(all[c] * 0.2));
            assertThat(p.train().counts()[c]).isEqualTo(all[c] - test[c]);
        }
        assertThat(p.test().source()).endsWith("(test)");
        // Each test image is an image of the full set with the same label.
        Tensor flat = d.images().reshape(1797, 64);
        for (int j = 0; j < 20; j++) {
            double[] img = p.test().images().slice(0, j, j + 1).data();
            boolean found = false;
            for (int i = 0; i < 1797 && !found; i++) {
                found = d.label(i) == p.test().label(j)
                        && java.util.Arrays.equals(flat.slice(0, i, i + 1).data(), img);
            }
            assertThat(found).as("test image %d", j).isTrue();
        }
    }

    @Test
    void theDenseViewHoldsTheSamePixelsOneImagePerColumn() {
        Digits d = Digits.load().select(new int[] {5, 0, 5}, "three");
        Dataset ds = d.toDataset();
        assertThat(ds.features().dims()).containsExactly(64, 3);
        assertThat(ds.featureNames()).startsWith("r0c0", "r0c1").endsWith("r7c7");
        for (int k = 0; k < 64; k++) {
            assertThat(ds.features().get(k, 1)).isEqualTo(d.images().data()[64 + k]);
        }
        assertThat(ds.labels()).isEqualTo(d.labels());
        assertThat(d.label(0)).isEqualTo(d.label(2));
        assertThatThrownBy(() -> d.select(new int[] {3}, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image 3 is out of range 0 … 2");
    }

    @Test
    void aFileInTheSameFormatIsReadAndADamagedOneRefusedNamingLineAndColumn() throws IOException {
        String good = "0,".repeat(63) + "16,7\n" + "1,".repeat(64) + "3\n";
        Path plain = dir.resolve("two.csv");
        Files.writeString(plain, good);
        Digits two = Digits.read(plain);
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.images().data()[63]).isEqualTo(1.0);
        assertThat(two.labels()).isEqualTo(Tensor.row(7, 3));
        Path gz = dir.resolve("two.csv.gz");
        try (var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(good.getBytes(StandardCharsets.US_ASCII));
        }
        assertThat(Digits.read(gz).images()).isEqualTo(two.images());

        Files.writeString(plain, good + "0,".repeat(10) + "17," + "0,".repeat(53) + "1\n");
        assertThatThrownBy(() -> Digits.read(plain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(plain.toAbsolutePath() + " line 3, column 11 (pixel (row 1, column 2)): '17' is not a count"
                        + " of 0 … 16");
        Files.writeString(plain, good + "0,".repeat(64) + "x\n");
        assertThatThrownBy(() -> Digits.read(plain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3, column 65 (the digit): 'x' is not 0 … 9");
        Files.writeString(plain, "1,2,3\n");
        assertThatThrownBy(() -> Digits.read(plain)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1: 3 fields, but a digit has 65");
        assertThatThrownBy(() -> Digits.read(dir.resolve("none.csv"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
    }
}
