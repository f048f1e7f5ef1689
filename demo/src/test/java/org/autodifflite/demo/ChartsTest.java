package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartsTest {

    @TempDir
    Path dir;

    @Test
    void writesALossCurvePngHeadless() throws IOException {
        Path f = dir.resolve("sub/loss.png");
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("train", new double[] {0.7, 0.4, 0.3});
        s.put("test", new double[] {0.72, 0.45, 0.36});
        Charts.lossCurve(f, "loss", s);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(720);
        assertThat(img.getHeight()).isEqualTo(420);
    }

    @Test
    void writesALogLogSweepPngEvenWithZerosAndNaN() throws IOException {
        Path f = dir.resolve("sweep.png");
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("right", new double[] {1e-3, 1e-9, 0.0, 1e-5});
        s.put("wrong", new double[] {0.33, 0.33, Double.NaN, 0.33});
        Map<String, Map<String, double[]>> panels = new LinkedHashMap<>();
        panels.put("alone", s);
        panels.put("together", Map.of("other", new double[] {1e-2, 1e-8, 1e-6, 1e-4}));
        Charts.sweep(f, "sweep", new double[] {1e-1, 1e-4, 1e-7, 1e-10}, panels, name -> name);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(960);
        assertThat(java.nio.file.Files.size(f)).isGreaterThan(5_000);
    }
}
