package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void rendersTheShareDoneAndTheMessage() {
        ProgressBar bar = new ProgressBar(System.out, 20, 10, false);
        assertThat(bar.render(0, "")).isEqualTo("[..........]   0%");
        assertThat(bar.render(9, "epoch 9/20")).isEqualTo("[####......]  45%  epoch 9/20");
        assertThat(bar.render(20, "done")).isEqualTo("[##########] 100%  done");
    }

    @Test
    void redrawsInPlaceOnATerminalAndPrintsLinesOtherwise() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        ProgressBar bar = new ProgressBar(out, 2, 4, true);
        bar.update(1, "a");
        bar.update(2, "b");
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .isEqualTo("\r[##..]  50%  a\r[####] 100%  b" + System.lineSeparator());
        buf.reset();
        ProgressBar lines = new ProgressBar(out, 2, 4, false);
        lines.update(1, "a");
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo("[##..]  50%  a" + System.lineSeparator());
    }
}
