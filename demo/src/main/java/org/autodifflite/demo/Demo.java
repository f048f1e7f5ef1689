package org.autodifflite.demo;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The runnable face of autodiff-lite: a command-line application whose default command walks
 * through the seed notebook on gradient checking, and whose other commands train the fraud model
 * (or a model of your CSV), score new rows with a saved model, check a network of any size, and
 * sweep the finite-difference step.
 *
 * <pre>
 * mvn -q -pl demo -am compile exec:java                                   # the walkthrough
 * mvn -q -pl demo -am compile exec:java -Dexec.args="train --epochs 10"
 * mvn -q -pl demo -am compile exec:java -Dexec.args="predict --model m.txt --csv new.csv --out scores.csv"
 * mvn -q -pl demo -am compile exec:java -Dexec.args="check --layers 784,128,64,1 --plant-bug fc2.weight:scale"
 * mvn -q -pl demo -am compile exec:java -Dexec.args="sweep"
 * bin/autodiff-lite train --epochs 10                                     # the same from the runnable jar
 * </pre>
 *
 * <p>Results go to standard output; log messages (SLF4J, bound to Logback here) to standard
 * error. Files are written under {@code demo/target/demo-output} when run through Maven, else
 * under the temporary directory, unless an option names another place.
 */
@Command(name = "autodiff-lite", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = "The seed notebook's gradient check, the fraud model, predictions and pictures."
                + " With no command, runs the walkthrough.",
        subcommands = CommandLine.HelpCommand.class)
public final class Demo implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    /** The system property naming the default output directory (the Maven run sets it). */
    static final String OUTPUT_DIR_PROPERTY = "demo.outputDir";

    private final PrintStream out;

    private Demo(PrintStream out) {
        this.out = out;
    }

    /**
     * Runs the command line and exits with a non-zero status if it failed.
     *
     * @param args a command and its options; none for the walkthrough; {@code --help} lists them
     */
    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the command line with the given streams, for tests and embedding.
     *
     * @param out where results go
     * @param err where errors and usage messages go
     * @param args the command and its options
     * @return the exit code: 0 on success, 1 if a check found a wrong gradient, 2 for bad input
     */
    static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new Demo(out));
        cl.addSubcommand("walkthrough", new WalkthroughCommand(out));
        cl.addSubcommand("train", new TrainCommand(out));
        cl.addSubcommand("predict", new PredictCommand(out));
        cl.addSubcommand("check", new CheckCommand(out));
        cl.addSubcommand("sweep", new SweepCommand(out));
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException) {
                // Bad input is the user's to fix: say what, without a stack trace.
                cmd.getErr().println("error: " + ex.getMessage());
                LOG.debug("command failed", ex);
                return 2;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /**
     * The default command: the walkthrough.
     *
     * @return its exit code
     */
    @Override
    public Integer call() {
        return new WalkthroughCommand(out).call();
    }

    /**
     * Where output files go unless an option names another place: the directory in the
     * {@value #OUTPUT_DIR_PROPERTY} system property (the Maven run sets {@code demo/target/demo-output}),
     * else {@code autodiff-lite-demo} in the temporary directory — never the working directory.
     *
     * @param file a file name
     * @return its path in the output directory
     */
    static Path output(String file) {
        String dir = System.getProperty(OUTPUT_DIR_PROPERTY);
        Path base = dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("java.io.tmpdir"), "autodiff-lite-demo");
        return base.resolve(file);
    }
}
