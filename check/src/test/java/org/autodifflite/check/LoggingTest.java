package org.autodifflite.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.autodifflite.core.Tensor;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The checker logs its one-line summary at INFO and each failure at WARN, through SLF4J. */
class LoggingTest {

    @Test
    void summaryAtInfoAndEachFailureAtWarn() {
        CapturedLogs.clear();
        CheckReport r = GradientChecker.defaults().withThreads(1).checkOp(
                TestOps.scaled(TestOps.linear(1, 4), 1, 2), Tensor.randn(4, 3, 1), Tensor.randn(5, 4, 2),
                Tensor.randn(5, 1, 3));
        List<CapturedLogs.Event> mine = CapturedLogs.events().stream()
                .filter(e -> e.logger().equals(GradientChecker.class.getName())).collect(Collectors.toList());
        assertThat(mine).filteredOn(e -> e.level() == Level.INFO).extracting(CapturedLogs.Event::message)
                .containsExactly(r.summary());
        assertThat(mine).filteredOn(e -> e.level() == Level.WARN).extracting(CapturedLogs.Event::message)
                .containsExactly(r.failures().get(0).toString(), r.failures().get(1).toString());
        assertThat(mine.get(1).message()).startsWith("Linear (Linear) input W: FAIL — analytic = 2.00 × numeric");
    }
}
