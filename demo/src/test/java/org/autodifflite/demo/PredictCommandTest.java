package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.autodifflite.core.Tensor;
import org.autodifflite.layers.data.CsvTable;
import org.autodifflite.layers.data.Dataset;
import org.autodifflite.layers.data.Split;
import org.autodifflite.layers.data.Standardizer;
import org.autodifflite.layers.io.ModelFile;
import org.autodifflite.layers.io.SavedModel;
import org.autodifflite.layers.model.Initializer;
import org.autodifflite.layers.model.Sequential;
import org.autodifflite.layers.ops.MeanSquaredError;
import org.autodifflite.layers.ops.SigmoidBinaryCrossEntropy;
import org.autodifflite.layers.train.Adam;
import org.autodifflite.layers.train.Trainer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --csv … --label …} then {@code predict}: the scores written are those of the Java
 * API bit for bit, and every refusal says what and how to fix it, leaving nothing at {@code --out}.
 */
class PredictCommandTest {

    @TempDir
    Path dir;

    private Path model;
    private Path out;

    /** A CSV of {@code n} rows: three features, a label that depends on two of them. */
    private static String rows(int n, long seed, boolean withLabel, String... order) {
        Random rng = new Random(seed);
        StringBuilder sb = new StringBuilder(String.join(",", order)).append('\n');
        for (int i = 0; i < n; i++) {
            double amount = 20 + 15 * rng.nextGaussian();
            double hour = rng.nextInt(24);
            double distance = Math.abs(5 * rng.nextGaussian());
            int fraud = amount / 15 + distance / 4 + 0.7 * rng.nextGaussian() > 3 ? 1 : 0;
            List<String> fields = new ArrayList<>();
            for (String c : order) {
                switch (c) {
                    case "amount" -> fields.add(Double.toString(amount));
                    case "hour" -> fields.add(Double.toString(hour));
                    case "distance km" -> fields.add(Double.toString(distance));
                    case "fraud" -> {
                        if (withLabel) {
                            fields.add(Integer.toString(fraud));
                        }
                    }
                    default -> throw new IllegalArgumentException(c);
                }
            }
            sb.append(String.join(",", fields)).append('\n');
        }
        return sb.toString();
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    /** Trains a small model on a CSV through the command line, once per test. */
    @BeforeEach
    void trainAModel() throws IOException {
        Path train = write("train.csv", rows(400, 1, true, "amount", "hour", "distance km", "fraud"));
        model = dir.resolve("models/model.txt");
        out = dir.resolve("scores/out.csv");
        CommandsTest.Run r = CommandsTest.run("train", "--csv", train.toString(), "--label", "fraud", "--hidden", "8,4",
                "--epochs", "4", "--batch", "32", "--lr", "0.01", "--seed", "11", "--check-every", "0",
                "--model", model.toString(), "--chart", dir.resolve("loss.png").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model saved:  " + model + " (with its scaler and column names; score new rows with"
                + " predict --model FILE --csv FILE --out FILE)");
    }

    private static double[] parseScores(Path file, String header) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo(header);
        return lines.subList(1, lines.size()).stream().mapToDouble(Double::parseDouble).toArray();
    }

    private static void assertBitForBit(double[] actual, Tensor expected) {
        assertThat(expected.rows()).isEqualTo(1);
        assertThat(actual).hasSize(expected.cols());
        for (int j = 0; j < actual.length; j++) {
            assertThat(Double.doubleToRawLongBits(actual[j])).as("row %d: %s vs %s", j, actual[j], expected.get(0, j))
                    .isEqualTo(Double.doubleToRawLongBits(expected.get(0, j)));
        }
    }

    @Test
    void predictOnHeldOutRowsWritesTheJavaApisProbabilitiesBitForBit() throws IOException {
        // Held-out rows, never trained on: other columns order, the label present (ignored).
        Path held = write("held-out.csv", rows(60, 99, true, "fraud", "distance km", "amount", "hour"));
        CommandsTest.Run r = CommandsTest.run("predict", "--model", model.toString(), "--csv", held.toString(),
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Model: " + model + " — Sequential(3 inputs → Dense fc1 3→8", "label 'fraud'",
                "features standardized with the saved scaler",
                "Data:  " + held + " — 60 rows, columns [fraud, distance km, amount, hour] (the label column 'fraud' is"
                        + " ignored)",
                "Scores: probabilities that fraud = 1 (the sigmoid of the model's logits)",
                "Written: " + out + " (header 'probability', then one line per row of the CSV, in order)");
        double[] written = parseScores(out, "probability");
        assertThat(written).hasSize(60);
        assertThat(java.util.Arrays.stream(written).allMatch(p -> p >= 0 && p <= 1)).as("probabilities").isTrue();

        // 1. The file alone, through the API: the same numbers.
        SavedModel saved = ModelFile.load(model);
        assertBitForBit(written, saved.predictProbabilities(CsvTable.read(held)));

        // 2. The same model built and trained through the API, as train does: the same numbers.
        Dataset data = Dataset.readCsv(dir.resolve("train.csv"), "fraud");
        Split split = data.split(0.25, 11);
        Standardizer scaler = Standardizer.fit(split.train());
        Dataset train = scaler.transform(split.train());
        Sequential api = Sequential.builder(3).seed(11).dense("fc1", 8).relu().dense("fc2", 4).relu()
                .dense("fc3", 1, Initializer.xavier()).loss(new SigmoidBinaryCrossEntropy()).build();
        Trainer.of(api, new Adam(0.01)).epochs(4).batchSize(32).seed(11).fit(train.features(), train.labels());
        Tensor heldX = CsvTable.read(held).matrix(List.of("amount", "hour", "distance km"));
        assertBitForBit(written, api.predictProbabilities(scaler.transform(heldX)));
        // …and the scores are not trivially equal: they spread over the probability scale.
        assertThat(Stream.of(written[0], written[1], written[2]).distinct()).hasSize(3);
    }

    @Test
    void rawWritesTheLogitsAndTheirSigmoidIsTheProbability() throws IOException {
        Path held = write("held-out.csv", rows(25, 5, false, "amount", "hour", "distance km"));
        CommandsTest.Run r = CommandsTest.run("predict", "--model", model.toString(), "--csv", held.toString(),
                "--out", out.toString(), "--raw");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Scores: the model's raw outputs (logits: SigmoidBinaryCrossEntropy applies the"
                + " sigmoid itself)");
        double[] logits = parseScores(out, "output");
        assertBitForBit(logits, ModelFile.load(model).predict(CsvTable.read(held)));
        assertThat(java.util.Arrays.stream(logits).anyMatch(z -> z < 0 || z > 1)).as("logits off [0, 1]").isTrue();
    }

    /** Runs predict, expects exit code 2 with {@code error: <message>}, and nothing at --out. */
    private String refused(Path csv, String... extra) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--csv", csv.toString(),
                "--out", out.toString()));
        args.addAll(List.of(extra));
        CommandsTest.Run r = CommandsTest.run(args.toArray(new String[0]));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        assertThat(out.getParent()).doesNotExist();   // not even the directory was made
        return r.err().strip().substring("error: ".length());
    }

    @Test
    void aMissingOrAnExtraColumnIsRefusedNamingTheColumnsAndTheFix() throws IOException {
        Path missing = write("missing.csv", rows(5, 2, true, "amount", "fraud", "hour"));
        assertThat(refused(missing)).isEqualTo(missing + ": the columns do not match the model's: missing 'distance km'."
                + " The model takes the columns [amount, hour, distance km] (and ignores the label column 'fraud'), by"
                + " name, in any order: add the missing column");
        Path extra = write("extra.csv", rows(5, 2, false, "amount", "hour", "distance km").replace("distance km\n",
                "distance km,comment\n").replaceAll("(?m)^(.+\\d)$", "$1,ok"));
        assertThat(Files.readString(extra)).contains(",ok\n");
        assertThat(refused(extra)).isEqualTo(extra + ": the columns do not match the model's: 'comment' is not a feature"
                + " of the model. The model takes the columns [amount, hour, distance km] (and ignores the label column"
                + " 'fraud'), by name, in any order: remove the extra column");
    }

    @Test
    void aCellThatIsNotANumberOrIsNaNIsRefusedWithLineColumnAndFix() throws IOException {
        Path text = write("text.csv", "amount,hour,distance km\n12.5,3,1.5\n7,noon,2\n");
        assertThat(refused(text)).isEqualTo(text + " line 3, column 2 'hour': 'noon' is not a number; every field must"
                + " be a number: correct it or remove the row");
        Path nan = write("nan.csv", "amount,hour,distance km\n12.5,3,1.5\n\nNaN,4,2\n");
        assertThat(refused(nan)).isEqualTo(nan + " line 4, column 1 'amount': 'NaN' is not a finite number; a model"
                + " cannot use NaN or infinities: put a value in its place (impute it) or remove the row");
        Path empty = write("empty.csv", "amount,hour,distance km\n12.5,,1.5\n");
        assertThat(refused(empty)).isEqualTo(empty + " line 2, column 2 'hour': the field is empty; every field must be"
                + " a number: fill it in or remove the row");
    }

    @Test
    void aRefusalKeepsAnEarlierOutputFileAsItWas() throws IOException {
        Path good = write("good.csv", rows(5, 3, false, "amount", "hour", "distance km"));
        assertThat(CommandsTest.run("predict", "--model", model.toString(), "--csv", good.toString(), "--out",
                out.toString()).code()).isZero();
        String before = Files.readString(out);
        Path bad = write("bad.csv", "amount,hour,distance km\n1,2,x\n");
        CommandsTest.Run r = CommandsTest.run("predict", "--model", model.toString(), "--csv", bad.toString(), "--out",
                out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(Files.readString(out)).isEqualTo(before);
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);   // no temporary file left beside it
        }
    }

    @Test
    void aModelFileWithoutArchitectureOrOfValuesIsRefusedSayingWhy() throws IOException {
        Path rows = write("rows.csv", rows(5, 4, false, "amount", "hour", "distance km"));
        Path v1 = write("v1.txt", "autodiff-lite-parameters 1\ncount 1\nparameter fc.bias 1 1\n0.5\nend\n");
        CommandsTest.Run r = CommandsTest.run("predict", "--model", v1.toString(), "--csv", rows.toString(), "--out",
                out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + v1 + ": line 1: this is a version-1 file ('autodiff-lite-parameters 1'):"
                + " it holds parameters only, no architecture. Build the model in code and call"
                + " ModelFile.load(model, path)");
        assertThat(out).doesNotExist();

        // A regression model predicts values: refused without --raw, written with it.
        Sequential regression = Sequential.builder(3).seed(1).dense("fc", 1).loss(new MeanSquaredError()).build();
        Path reg = dir.resolve("regression.txt");
        ModelFile.save(SavedModel.of(regression).withFeatureNames(List.of("amount", "hour", "distance km")), reg);
        CommandsTest.Run values = CommandsTest.run("predict", "--model", reg.toString(), "--csv", rows.toString(),
                "--out", out.toString());
        assertThat(values.code()).isEqualTo(2);
        assertThat(values.err()).contains("error: the model was trained with MeanSquaredError, so it predicts values, not"
                + " probabilities; add --raw to write its outputs as they are");
        assertThat(out).doesNotExist();
        CommandsTest.Run raw = CommandsTest.run("predict", "--model", reg.toString(), "--csv", rows.toString(), "--out",
                out.toString(), "--raw");
        assertThat(raw.code()).as(raw.err()).isZero();
        assertThat(raw.out()).contains("Scores: the model's raw outputs\n", "no scaler saved");
        assertBitForBit(parseScores(out, "output"), regression.predict(CsvTable.read(rows).matrix(List.of("amount",
                "hour", "distance km"))));
    }

    @Test
    void theCommandLinesOwnRefusals() throws IOException {
        Path rows = write("rows.csv", rows(5, 4, false, "amount", "hour", "distance km"));
        String before = Files.readString(rows);
        CommandsTest.Run same = CommandsTest.run("predict", "--model", model.toString(), "--csv", rows.toString(),
                "--out", dir.resolve("./rows.csv").toString());
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).contains("error: --out " + rows + " is the --csv file; writing the scores there would"
                + " destroy it. Choose another --out");
        assertThat(Files.readString(rows)).isEqualTo(before);
        CommandsTest.Run overModel = CommandsTest.run("predict", "--model", model.toString(), "--csv", rows.toString(),
                "--out", model.toString());
        assertThat(overModel.err()).contains("error: --out " + model + " is the --model file");
        assertThat(Files.readString(model)).startsWith("autodiff-lite-model 2\nmodel Sequential\ninput 3\n")
                .contains("features 3\nfeature amount\nfeature hour\nfeature distance km\nlabel fraud\nstandardizer\n");

        CommandsTest.Run noModel = CommandsTest.run("predict", "--model", "no-such-model.txt", "--csv", rows.toString(),
                "--out", out.toString());
        assertThat(noModel.code()).isEqualTo(2);
        assertThat(noModel.err()).contains("error: model file " + Path.of("no-such-model.txt").toAbsolutePath()
                + " does not exist (the path no-such-model.txt was resolved against the working directory "
                + Path.of("").toAbsolutePath() + "); train saves one: train --csv FILE --label COLUMN --model FILE");
        CommandsTest.Run missingOption = CommandsTest.run("predict", "--model", model.toString(), "--csv",
                rows.toString());
        assertThat(missingOption.code()).isEqualTo(2);
        assertThat(missingOption.err()).contains("Missing required option: '--out=FILE'");
        assertThat(out).doesNotExist();
    }
}
