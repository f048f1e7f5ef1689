package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CsvDataTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path f = dir.resolve("payments.csv");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void loadsSamplesAsColumnsWithTheLabelColumnAnywhere() throws IOException {
        Path f = write("amount, fraud ,hour\n12.5,0,13\n\n900,1,3\n");
        Dataset d = CsvData.load(f, "fraud");
        assertThat(d.featureNames()).containsExactly("amount", "hour");
        assertThat(d.features().toArray()).isEqualTo(new double[][] {{12.5, 900}, {13, 3}});
        assertThat(d.labels().toArray()).isEqualTo(new double[][] {{0, 1}});
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            Arguments.of("a,b,y\n1,2,0\n3,4\n",
                "line 3: expected 3 fields (one per header column), found 2; the row is short, missing 'y'"),
            Arguments.of("a,b,y\n1,2,0\n3,4,1\n5,x,1\n", "line 4, column 2 'b': 'x' is not a number"),
            Arguments.of("a,b,y\n1,,0\n", "line 2, column 2 'b': the field is empty"),
            Arguments.of("a,b,y\n1,2,0\n1,NaN,1\n", "line 3, column 2 'b': 'NaN' is not a finite number"),
            Arguments.of("a,b,y\n1,2,0.5\n", "line 2, label column 'y': 0.5 is not 0 or 1"),
            Arguments.of("a,b,y\n1,2,0,7\n", "line 2: expected 3 fields (one per header column), found 4"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void aMalformedRowIsAnErrorNamingTheLineAndColumn(String text, String expected) throws IOException {
        Path f = write(text);
        assertThatThrownBy(() -> CsvData.load(f, "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f + " " + expected);
    }

    @Test
    void aMissingLabelColumnListsTheColumns() throws IOException {
        Path f = write("amount,hour\n1,2\n");
        assertThatThrownBy(() -> CsvData.load(f, "fraud"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no column named 'fraud'")
                .hasMessageContaining("[amount, hour]");
    }

    @Test
    void emptyHeaderOnlyAndMissingFilesAreErrors() throws IOException {
        Path empty = write("");
        assertThatThrownBy(() -> CsvData.load(empty, "y")).hasMessageContaining("line 1: expected a header");
        Path headerOnly = write("a,y\n");
        assertThatThrownBy(() -> CsvData.load(headerOnly, "y")).hasMessageContaining("no samples");
        assertThatThrownBy(() -> CsvData.load(dir.resolve("nope.csv"), "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
        Path dup = write("a,a,y\n1,2,0\n");
        assertThatThrownBy(() -> CsvData.load(dup, "y")).hasMessageContaining("'a' appears twice");
    }
}
