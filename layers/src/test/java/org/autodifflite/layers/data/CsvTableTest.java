package org.autodifflite.layers.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CSV reader: structure, numbers, labels, and every message it gives, verbatim. */
class CsvTableTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("data.csv");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void loadsSamplesAsColumnsWithTheLabelColumnAnywhere() throws IOException {
        Path f = write("amount, fraud ,hour\n12.5,0,13\n\n900,1,3\n");
        Dataset d = Dataset.readCsv(f, "fraud");
        assertThat(d.featureNames()).containsExactly("amount", "hour");
        assertThat(d.features().toArray()).isEqualTo(new double[][] {{12.5, 900}, {13, 3}});
        assertThat(d.labels().toArray()).isEqualTo(new double[][] {{0, 1}});
        assertThat(d.source()).isEqualTo(f.toAbsolutePath().normalize().toString());
    }

    @Test
    void namedColumnsLinesAndAMatrixWithoutLabels() throws IOException {
        Path f = write("\uFEFFid,a,b\nx17,1,2\n\n  \ny03,3,4\n");
        CsvTable t = CsvTable.read(f);
        assertThat(t.columnNames()).containsExactly("id", "a", "b");
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.lineOf(0)).isEqualTo(2);
        assertThat(t.lineOf(1)).isEqualTo(5);
        assertThat(t.column("b")).containsExactly(2, 4);
        // The features in the order asked for; the id column is not numeric but never used.
        assertThat(t.matrix(List.of("b", "a"))).isEqualTo(Tensor.of(new double[] {2, 4}, new double[] {1, 3}));
        assertThat(t.source()).isEqualTo(f.toAbsolutePath().normalize());
        assertThatThrownBy(() -> t.lineOf(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void chosenFeaturesSkipColumnsThatAreNotNumbers() throws IOException {
        Path f = write("name,a,b,label\n\"Smith, J.\",1,2,1\n\"O\"\"Brien\",3,4,0\n");
        CsvTable t = CsvTable.read(f);
        Dataset d = t.toDataset("label", List.of("b", "a"));
        assertThat(d.featureNames()).containsExactly("b", "a");
        assertThat(d.features().toArray()).isEqualTo(new double[][] {{2, 4}, {1, 3}});
        assertThat(d.labels().toArray()).isEqualTo(new double[][] {{1, 0}});
        assertThatThrownBy(() -> t.toDataset("label"))
                .hasMessage(t.source() + " line 2, column 1 'name': 'Smith, J.' is not a number; every field must be a"
                        + " number: correct it or remove the row");
    }

    @Test
    void quotedFieldsMayHoldCommasAndQuotes() throws IOException {
        Path f = write("\"amount, EUR\",\"y\"\n \"1,5\" , 1\n\"2\",\"0\"\n");
        CsvTable t = CsvTable.read(f);
        assertThat(t.columnNames()).containsExactly("amount, EUR", "y");
        assertThatThrownBy(() -> t.column("amount, EUR")).hasMessageContaining("'1,5' is not a number");
        Path ok = write("\"a\",y\n\"2.5\",\"1\"\n");
        assertThat(Dataset.readCsv(ok, "y").features().toArray()).isEqualTo(new double[][] {{2.5}});
    }

    /** Each bad file, and the message that must follow the file's absolute path, verbatim. */
    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("a,b,y\n1,2,0\n3,4\n",
                " line 3: expected 3 fields (one per header column), found 2; the row is short, missing 'y'"),
            Arguments.of("a,b,y\n1,2,0,7\n", " line 2: expected 3 fields (one per header column), found 4"),
            Arguments.of("a,b,y\n1,2,0\n3,4,1\n5,x,1\n", " line 4, column 2 'b': 'x' is not a number; every field must be"
                    + " a number: correct it or remove the row"),
            Arguments.of("a,b,y\n1,,0\n", " line 2, column 2 'b': the field is empty; every field must be a number: fill"
                    + " it in or remove the row"),
            Arguments.of("a,b,y\n1,2,0\n1,NaN,1\n", " line 3, column 2 'b': 'NaN' is not a finite number; a model cannot"
                    + " use NaN or infinities: put a value in its place (impute it) or remove the row"),
            Arguments.of("a,b,y\n1,2,1e999\n", " line 2, label column 'y': 1e999 is not 0 or 1; labels must be 0 or 1,"
                    + " one value per class"),
            Arguments.of("a,b,y\n1,2,0.5\n", " line 2, label column 'y': 0.5 is not 0 or 1; labels must be 0 or 1,"
                    + " one value per class"),
            Arguments.of("a,b,y\n1,2,yes\n", " line 2, label column 'y': 'yes' is not a number; labels must be 0 or 1:"
                    + " map the two classes to 0 and 1 first (for example no → 0, yes → 1)"),
            Arguments.of("a,b,y\n1,2,\n", " line 2, label column 'y': the field is empty; labels must be 0 or 1"),
            Arguments.of("", " line 1: expected a header naming the columns (for example: x1,x2,label), found an empty file"),
            Arguments.of("\n1,2\n", " line 1: expected a header naming the columns (for example: x1,x2,label), found a blank line"),
            Arguments.of("a,,y\n1,2,0\n", " line 1: column 2 has no name"),
            Arguments.of("a,a,y\n1,2,0\n", " line 1: column name 'a' appears twice (columns 1 and 2)"),
            Arguments.of("a,y\n", ": the header is the only line; no samples to read"),
            Arguments.of("a,b\n1,2\n", ": no column named 'y'; the header has [a, b]. Pass one of them as the label column"),
            Arguments.of("y\n1\n", ": only the label column 'y' is present; at least one feature column is needed"),
            Arguments.of("a,y\n\"1,0\n", " line 2: the quote opened at character 1 is not closed; a quoted field must end"
                    + " on the same line with \""),
            Arguments.of("a,y\n\"1\"x,0\n", " line 2: unexpected 'x' at character 4 after a quoted field; write \"\" for a"
                    + " quote inside quotes"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedFileIsAnErrorNamingTheAbsolutePathLineAndColumn(String text, String expected) throws IOException {
        Path f = write(text);
        assertThatThrownBy(() -> Dataset.readCsv(f, "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f.toAbsolutePath().normalize() + expected);
    }

    @Test
    void choosingColumnsIsCheckedToo() throws IOException {
        Path f = write("a,b,y\n1,2,0\n");
        CsvTable t = CsvTable.read(f);
        String p = t.source().toString();
        assertThatThrownBy(() -> t.toDataset("y", List.of("a", "y")))
                .hasMessage(p + ": the label column 'y' is also listed as a feature; a model would see the answer."
                        + " Remove it from the features");
        assertThatThrownBy(() -> t.toDataset("y", List.of("a", "c")))
                .hasMessage(p + ": no column named 'c'; the header has [a, b, y]. Pass one of them as the feature column");
        assertThatThrownBy(() -> t.toDataset("y", List.of("a", "a")))
                .hasMessage(p + ": column 'a' is listed twice among the feature columns [a, a]");
        assertThatThrownBy(() -> t.toDataset("y", List.of()))
                .hasMessage(p + ": no feature columns given; name at least one of [a, b, y]");
        assertThatThrownBy(() -> t.matrix(List.of()))
                .hasMessage(p + ": no columns given; name at least one of [a, b, y]");
        assertThatThrownBy(() -> t.column("z"))
                .hasMessage(p + ": no column named 'z'; the header has [a, b, y]. Pass one of them as the column");
    }

    @Test
    void aMissingFileNamesTheAbsolutePathAndTheWorkingDirectory() {
        Path relative = Path.of("no-such-dir", "tx.csv");
        Path abs = relative.toAbsolutePath().normalize();
        assertThatThrownBy(() -> CsvTable.read(relative))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CSV file " + abs + " does not exist (the path " + relative
                        + " was resolved against the working directory " + Path.of("").toAbsolutePath() + ")");
        Path absent = dir.resolve("nope.csv");
        assertThatThrownBy(() -> CsvTable.read(absent)).hasMessage("CSV file " + absent + " does not exist");
    }

    @Test
    void aDirectoryCannotBeRead() {
        assertThatThrownBy(() -> CsvTable.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot read CSV file " + dir.toAbsolutePath().normalize() + ": ");
    }

    @Test
    void theFirstBadFieldInTheFileIsReportedWhateverItsColumn() throws IOException {
        // Line 2 has a bad label, line 3 a bad first feature: line 2 comes first.
        Path f = write("a,b,y\n1,2,7\nx,2,0\n");
        assertThatThrownBy(() -> Dataset.readCsv(f, "y")).hasMessageContaining("line 2, label column 'y': 7 is not 0 or 1");
        Path g = write("a,b,y\n1,oops,0\nx,2,0\n");
        assertThatThrownBy(() -> Dataset.readCsv(g, "y")).hasMessageContaining("line 2, column 2 'b': 'oops'");
    }

    @Test
    void negativeZeroIsLabelZero() throws IOException {
        Path f = write("a,y\n1,-0\n2,1.0\n");
        Dataset d = Dataset.readCsv(f, "y");
        assertThat(Double.doubleToRawLongBits(d.labels().get(0, 0))).isEqualTo(Double.doubleToRawLongBits(0.0));
        assertThat(d.positives()).isEqualTo(1);
    }
}
