package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the walkthrough as a user would (no arguments) and checks the figures it prints. */
class WalkthroughTest {

    private static CommandsTest.Run run;

    @BeforeAll
    static void runTheWalkthrough() {
        run = CommandsTest.run();
    }

    /** @return the number printed after {@code prefix} on the line containing it, the n-th such line (0-based) */
    private static double figure(String prefix, int n) {
        Matcher m = Pattern.compile(Pattern.quote(prefix) + "([-+0-9.eE]+)").matcher(run.out());
        for (int i = 0; i <= n; i++) {
            assertThat(m.find()).as("'" + prefix + "' #" + i + " in\n" + run.out()).isTrue();
        }
        return Double.parseDouble(m.group(1));
    }

    @Test
    void exitsCleanly() {
        assertThat(run.code()).as(run.err()).isZero();
    }

    @Test
    void oneDimensionReproducesTheNotebookBitForBit() {
        assertThat(run.out()).contains(("J = 8\ndtheta = 2\nThe gradient is correct!\n"
                + "difference = 2.919335883291695e-10\n").replace("\n", System.lineSeparator()));
    }

    @Test
    void theBuggyNetworkFailsTheNotebooksCheckWithItsDifference() {
        assertThat(figure("cost = ", 0)).isEqualTo(2.407833389834357);
        assertThat(run.out()).contains("There is a mistake in the backward propagation! difference = ");
        double difference = figure("There is a mistake in the backward propagation! difference = ", 0);
        // The notebook's figure (numpy, whose BLAS fuses multiply and add) to 10 significant digits.
        assertThat(difference).isCloseTo(0.2850931567761624, within(1e-10));
    }

    @Test
    void thePerNodeReportNamesBothPlantedBugsWithTheirFactors() {
        assertThat(run.out()).contains(
                "fc1.bias (input b of node fc1, op Linear [planted bug: b ×4]): analytic = 4.00 × numeric",
                "fc2.weight (input W of node fc2, op Linear [planted bug: W ×2]): analytic = 2.00 × numeric");
        String culprits = run.out().substring(run.out().indexOf("The culprits"), run.out().indexOf("§3, fixed"));
        // The report: one name per culprit, narrow rows, the worst entries below the table.
        String report = run.out().substring(run.out().indexOf("gradient check FAILED"), run.out().indexOf("The culprits"));
        assertThat(report).contains("(fc1.b (= fc1.bias) FAIL, fc2.W (= fc2.weight) FAIL,",
                "entries 160 verified, 0 skipped at kinks, 0 not checked",
                "fc2.W (= fc2.weight), op Linear [planted bug: W ×2]: FAIL");
        assertThat(report.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(120));
        assertThat(culprits.lines().filter(l -> l.startsWith("  - "))).hasSize(2);
    }

    @Test
    void theFixedNetworkShowsTheNotebooksFalseAlarmAndPassesTheDefaultMode() {
        double seedMode = figure("There is a mistake in the backward propagation! difference = ", 1);
        assertThat(seedMode).isGreaterThan(1e-7).isCloseTo(1.189e-7, within(0.01e-7));
        double sound = figure("end-to-end difference = ", 0);
        assertThat(sound).isLessThan(1e-7);
        String fixed = run.out().substring(run.out().indexOf("§3, fixed"), run.out().indexOf("With dropout"));
        assertThat(fixed).contains("→ PASS", "gradient check PASSED").doesNotContain("FAIL");
        assertThat(fixed).contains("smallest at ε = 0.0001");
    }

    @Test
    void theNetworkWithDropoutIsCheckedAndPasses() {
        String dropout = run.out().substring(run.out().indexOf("With dropout"));
        assertThat(dropout).contains("→ PASS", "gradient check PASSED").doesNotContain("FAIL");
        assertThat(dropout).containsPattern("1[0-9] node inputs");
    }
}
