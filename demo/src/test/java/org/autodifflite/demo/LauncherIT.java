package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/autodiff-lite} on the runnable jar this build just packaged: run by Maven in the
 * integration-test phase (demo/pom.xml, execution launcher-it), with the project root and version
 * as system properties. The launcher runs on the Java running this test.
 */
class LauncherIT {

    private static final Path ROOT = Path.of(System.getProperty("autodifflite.root", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("bin/autodiff-lite");
    private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules: jdk.incubator.vector";

    @TempDir
    Path dir;

    /** The output of one run. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void needsBashAndThePackagedJar() {
        assumeTrue(new File("/bin/bash").canExecute() || new File("/usr/bin/bash").canExecute(),
                "bin/autodiff-lite is a bash script");
        assumeTrue(System.getProperty("autodifflite.version") != null,
                "run by the launcher-it execution of mvn verify, after the jar is packaged");
    }

    static Run run(Path launcher, Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("AUTODIFF_LITE_JAVA_OPTS");
        Path out = Files.createTempFile("launcher", ".out");
        Path err = Files.createTempFile("launcher", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bin/autodiff-lite " + String.join(" ", args) + " did not finish in 120 s");
        }
        Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    @Test
    void versionNamesTheBuildsVersionAndTheVectorKernel() throws Exception {
        Run r = run(LAUNCHER, dir, "--version");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("autodiff-lite " + System.getProperty("autodifflite.version") + System.lineSeparator());
        // This JVM was started with the vector module, as the launcher starts its own.
        assertThat(Tensor.matmulKernel()).doesNotStartWith("scalar");
        assertThat(r.out()).contains("matrix kernel: " + Tensor.matmulKernel() + System.lineSeparator());
        assertThat(r.err()).doesNotContain(INCUBATOR_NOTICE);
    }

    @Test
    void theWalkthroughRuns() throws Exception {
        Run r = run(LAUNCHER, dir, "walkthrough");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("The gradient is correct!", "The culprits, found node by node:",
                "fc2.weight (input W of node fc2", "→ PASS");
        assertThat(r.err()).doesNotContain(INCUBATOR_NOTICE);
    }

    @Test
    void exitCodesAndErrorsComeThrough() throws Exception {
        Run bug = run(LAUNCHER, dir, "check", "--layers", "6,5,3", "--batch", "4", "--plant-bug", "fc2.weight:scale");
        assertThat(bug.code()).as(bug.err()).isEqualTo(1);
        assertThat(bug.out()).contains("Planted bug: fc2.weight:scale", "FAIL");
        Run bad = run(LAUNCHER, dir, "no-such-command");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Unmatched argument at index 0: 'no-such-command'");
    }

    @Test
    void relativePathsAreRelativeToTheUsersDirectoryAndTheSavedModelPredicts() throws Exception {
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        java.util.Random rng = new java.util.Random(3);
        for (int i = 0; i < 120; i++) {
            int y = i % 3 == 0 ? 1 : 0;
            csv.append(rng.nextGaussian() + 2 * y).append(',').append(rng.nextGaussian()).append(',').append(y).append('\n');
        }
        Files.writeString(dir.resolve("mine.csv"), csv);
        Run r = run(LAUNCHER, dir, "train", "--csv", "mine.csv", "--label", "label", "--epochs", "2",
                "--check-every", "0", "--model", "model.txt", "--chart", "loss.png");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Data: " + dir.toRealPath().resolve("mine.csv") + " — 120 samples");
        assertThat(dir.resolve("model.txt")).exists();
        assertThat(dir.resolve("loss.png")).exists();

        // The saved model scores rows by itself: predict needs the model file and a CSV, nothing else.
        Run p = run(LAUNCHER, dir, "predict", "--model", "model.txt", "--csv", "mine.csv", "--out", "out/scores.csv");
        assertThat(p.code()).as(p.err()).isZero();
        assertThat(p.out()).contains("Data:  " + dir.toRealPath().resolve("mine.csv") + " — 120 rows",
                "(the label column 'label' is ignored)", "Scores: probabilities that label = 1");
        List<String> scores = Files.readAllLines(dir.resolve("out/scores.csv"));
        assertThat(scores).hasSize(121);
        assertThat(scores.get(0)).isEqualTo("probability");
        Files.writeString(dir.resolve("other.csv"), "x1,x3\n1,2\n");
        Run bad = run(LAUNCHER, dir, "predict", "--model", "model.txt", "--csv", "other.csv", "--out", "none.csv");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: " + dir.toRealPath().resolve("other.csv") + ": the columns do not match"
                + " the model's: missing 'x2'; 'x3' is not a feature of the model.");
        assertThat(dir.resolve("none.csv")).doesNotExist();
    }

    @Test
    void withoutTheJarItSaysWhichCommandBuildsIt() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("elsewhere/bin"));
        Path copy = Files.copy(LAUNCHER, bin.resolve("autodiff-lite"));
        Run r = run(copy, dir, "--version");
        assertThat(r.code()).isEqualTo(127);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("the runnable jar is not built", "mvn -q -pl demo -am -DskipTests package",
                dir.resolve("elsewhere").toRealPath().toString());
    }
}
