package org.autodifflite.layers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.autodifflite.core.Parameter;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.BinaryCrossEntropy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading parameters: exact round trips, clear errors, all-or-nothing loads. */
class ModelFileTest {

    @TempDir
    Path dir;

    private static Sequential net(long seed) {
        return Sequential.builder(4).seed(seed)
                .dense("fc1", 5).relu()
                .dense("fc2", 3).relu()
                .dense("fc3", 1).sigmoid()
                .loss(new BinaryCrossEntropy()).build();
    }

    private static List<Tensor> snapshot(Sequential m) {
        List<Tensor> out = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            out.add(p.value().copy());
        }
        return out;
    }

    private static void assertUnchanged(Sequential m, List<Tensor> before) {
        for (int k = 0; k < before.size(); k++) {
            assertThat(m.parameters().get(k).value()).isEqualTo(before.get(k));
        }
    }

    @Test
    void roundTripIsBitExact() throws IOException {
        Sequential a = net(1);
        // Awkward values: subnormal, huge, negative zero, many digits.
        a.parameter("fc3.bias").value().set(0, Double.MIN_VALUE);
        a.parameter("fc2.bias").value().set(0, -0.0);
        a.parameter("fc2.bias").value().set(1, 1.0e308);
        a.parameter("fc2.bias").value().set(2, 0.1 + 0.2);
        Path f = dir.resolve("model.txt");
        ModelFile.save(a, f);
        Sequential b = net(2);
        ModelFile.load(b, f);
        assertUnchanged(b, snapshot(a));
        String text = Files.readString(f);
        assertThat(text).startsWith("autodiff-lite-parameters 1\ncount 6\nparameter fc1.weight 5 4\n").endsWith("end\n");
        assertThat(text).contains("parameter fc2.bias 3 1\n-0.0\n1.0E308\n0.30000000000000004\n");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
                .isEqualTo("rw-r--r--");
        // Only the target is left: the temporary file was renamed over it.
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }

    @Test
    void theSavedFileMatchesTheModelFormatDocument() throws IOException {
        Parameter w = new Parameter("fc.weight", Tensor.of(new double[][] {{1.5, -2}, {0.25, 3}}));
        Parameter b = new Parameter("fc.bias", Tensor.column(0, -1));
        Path f = dir.resolve("tiny.txt");
        ModelFile.save(List.of(w, b), f);
        assertThat(Files.readString(f)).isEqualTo("autodiff-lite-parameters 1\ncount 2\n"
                + "parameter fc.weight 2 2\n1.5 -2.0\n0.25 3.0\n"
                + "parameter fc.bias 2 1\n0.0\n-1.0\nend\n");
    }

    /**
     * Parameters of any rank — a convolution kernel F×C×kh×kw, a bias vector (F), a scalar — are
     * written with every axis of their shape and one line per row along the last axis, and read
     * back bit for bit; a file whose shape has other axes is refused naming both shapes.
     */
    @Test
    void parametersOfAnyRankRoundTripOneLinePerRowOfTheLastAxis() throws IOException {
        Parameter k = new Parameter("conv.weight", Tensor.wrap(new int[] {2, 1, 2, 3},
                new double[] {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, 0.1 + 0.2}));
        Parameter b = new Parameter("conv.bias", Tensor.vector(0.5, -0.0));
        Parameter t = new Parameter("temperature", Tensor.scalar(Math.PI));
        Path f = dir.resolve("nd.txt");
        ModelFile.save(List.of(k, b, t), f);
        assertThat(Files.readString(f)).isEqualTo("autodiff-lite-parameters 1\ncount 3\n"
                + "parameter conv.weight 2 1 2 3\n1.0 2.0 3.0\n4.0 5.0 6.0\n-1.0 -2.0 -3.0\n-4.0 -5.0 0.30000000000000004\n"
                + "parameter conv.bias 2\n0.5 -0.0\n"
                + "parameter temperature\n3.141592653589793\nend\n");
        Parameter k2 = new Parameter("conv.weight", Tensor.zeros(2, 1, 2, 3));
        Parameter b2 = new Parameter("conv.bias", Tensor.zeros(2));
        Parameter t2 = new Parameter("temperature", Tensor.scalar(0));
        ModelFile.load(List.of(k2, b2, t2), f);
        assertThat(k2.value()).isEqualTo(k.value());
        assertThat(Double.doubleToRawLongBits(b2.value().data()[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(t2.value().item()).isEqualTo(Math.PI);

        Parameter flat = new Parameter("conv.weight", Tensor.zeros(2, 6));
        assertThatThrownBy(() -> ModelFile.load(List.of(flat, b2, t2), f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 3").hasMessageContaining("'conv.weight': expected shape 2×6 (the model's),"
                        + " found 2×1×2×3 in the file");
        Files.writeString(f, Files.readString(f).replace("-4.0 -5.0 0.30000000000000004", "-4.0 x 0.3"));
        assertThatThrownBy(() -> ModelFile.load(List.of(k2, b2, t2), f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 7").hasMessageContaining("value [1][0][1][1] of 'conv.weight' is 'x'");
    }

    @Test
    void commentsAndBlankLinesAreIgnoredAndOrderIsFree() throws IOException {
        Parameter w = new Parameter("fc.weight", Tensor.zeros(1, 2));
        Parameter b = new Parameter("fc.bias", Tensor.zeros(1, 1));
        Path f = write("# written by hand\nautodiff-lite-parameters 1\ncount 2\n\nparameter fc.bias 1 1\n7\n"
                + "# the weights\nparameter fc.weight 1 2\n1 2.5e-3\nend\n");
        ModelFile.load(List.of(w, b), f);
        assertThat(w.value()).isEqualTo(Tensor.row(1, 0.0025));
        assertThat(b.value()).isEqualTo(Tensor.filled(1, 1, 7));
    }

    private Path write(String text) throws IOException {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    /** Saves a fresh model, lets {@code edit} corrupt the text, and loads it into another model. */
    private void assertLoadFails(java.util.function.UnaryOperator<String> edit, String... messageParts) throws IOException {
        Path f = dir.resolve("m.txt");
        ModelFile.save(net(1), f);
        Files.writeString(f, edit.apply(Files.readString(f)));
        Sequential target = net(2);
        List<Tensor> before = snapshot(target);
        var thrown = assertThatThrownBy(() -> ModelFile.load(target, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString());
        for (String part : messageParts) {
            thrown.hasMessageContaining(part);
        }
        assertUnchanged(target, before);
    }

    @Test
    void aWrongShapeNamesParameterExpectedFoundAndLine() throws IOException {
        // fc2.weight is 3×5 in the model; claim 3×4 and drop a value per row.
        assertLoadFails(t -> t.replace("parameter fc2.weight 3 5", "parameter fc2.weight 3 4"),
                "line 15", "fc2.weight", "expected shape 3×5", "found 3×4");
    }

    @Test
    void anUnknownNameIsRejected() throws IOException {
        assertLoadFails(t -> t.replace("parameter fc3.bias 1 1", "parameter out.bias 1 1"),
                "line ", "'out.bias' is not in the model", "fc3.bias");
    }

    @Test
    void aDuplicatedOrMissingParameterIsRejected() throws IOException {
        assertLoadFails(t -> t.replace("parameter fc3.bias 1 1", "parameter fc2.bias 1 1"),
                "'fc2.bias' appears twice");
        assertLoadFails(t -> {
            int i = t.indexOf("parameter fc3.bias");
            return t.substring(0, i).replace("count 6", "count 5") + "end\n";
        }, "no values for [fc3.bias]");
    }

    @Test
    void aValueThatIsNotANumberOrNotFiniteIsRejectedWithItsPosition() throws IOException {
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[4] = lines[4].replaceFirst("^\\S+", "abc");   // row 1 of fc1.weight
            return String.join("\n", lines);
        }, "line 5", "value [1][0] of 'fc1.weight' is 'abc', not a number");
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[3] = lines[3].replaceFirst("\\S+$", "NaN");
            return String.join("\n", lines);
        }, "line 4", "value [0][3] of 'fc1.weight' is NaN", "finite");
        assertLoadFails(t -> {
            String[] lines = t.split("\n", -1);
            lines[3] = lines[3] + " 1.0";
            return String.join("\n", lines);
        }, "line 4", "row 0 of 'fc1.weight' has 5 values, expected 4");
    }

    @Test
    void aTruncatedFileIsRejected() throws IOException {
        assertLoadFails(t -> t.substring(0, t.length() / 2), "truncated");
        assertLoadFails(t -> t.replace("end\n", ""), "'end'", "truncated");
        assertLoadFails(t -> "", "line 1", "header", "truncated");
    }

    @Test
    void aCorruptFileIsRejected() throws IOException {
        assertLoadFails(t -> "PK\u0003\u0004 garbage\n" + t, "line 1", "not an autodiff-lite parameter file");
        assertLoadFails(t -> t.replace("autodiff-lite-parameters 1", "autodiff-lite-parameters 2"),
                "version 2 is not supported");
        assertLoadFails(t -> t + "extra\n", "unexpected content after 'end'");
        assertLoadFails(t -> t.replace("count 6", "count six"), "line 2", "'six'");
    }

    @Test
    void aNonUtf8FileIsRejectedAndTheModelKept() throws IOException {
        Path f = dir.resolve("bin.txt");
        Files.write(f, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2});
        Sequential target = net(2);
        List<Tensor> before = snapshot(target);
        assertThatThrownBy(() -> ModelFile.load(target, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("UTF-8");
        assertUnchanged(target, before);
    }

    @Test
    void aRefusedSaveLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("keep.txt");
        Sequential a = net(1);
        ModelFile.save(a, f);
        String before = Files.readString(f);
        a.parameter("fc1.bias").value().set(2, Double.NaN);
        assertThatThrownBy(() -> ModelFile.save(a, f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fc1.bias");
        assertThat(Files.readString(f)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(f);
        }
    }
}
