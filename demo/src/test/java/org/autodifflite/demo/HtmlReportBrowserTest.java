package org.autodifflite.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.autodifflite.check.CheckReport;
import org.autodifflite.check.GradientChecker;
import org.autodifflite.layers.model.ModelGraph;
import org.autodifflite.layers.model.Sequential;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The HTML report of the seed network with the notebook's two planted bugs, opened in a real
 * headless browser (Debian's chromium and chromedriver, driven by Selenium): it loads without a
 * JavaScript error and draws {@code fc1} and {@code fc2} as failing.
 *
 * <p>Under CI (environment variable {@code CI} set) a missing chromium or chromedriver fails the
 * test, since {@code .ci/run} installs them; on a developer's machine without them the test is
 * skipped with a message saying how to install them. {@code -Dreport.screenshot=FILE} saves a
 * screenshot of the whole page ({@code docs/report.png} is one).
 */
class HtmlReportBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path dir;

    @Test
    void theSeedNetworksReportShowsBothPlantedBugsInABrowser() throws IOException {
        requireBrowser();
        SeedCase seed = SeedCase.load();
        Sequential buggy = Networks.seed(seed, Networks.SEED_BUGS, 1, 0);
        ModelGraph mg = buggy.graph(seed.x(), seed.y(), true);
        CheckReport report = GradientChecker.defaults().checkGraph(mg.graph(), mg.loss());
        Path html = dir.resolve("seed-report.html");
        Report.writeHtml(report, html);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1300,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(html.toUri().toString());
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(
                    b -> "drawn".equals(b.findElement(By.tagName("body")).getDomAttribute("data-graph")));
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).toList();
            assertThat(errors).as("browser console").isEmpty();

            assertThat(verdict(browser, "fc1")).isEqualTo("FAIL");
            assertThat(verdict(browser, "fc2")).isEqualTo("FAIL");
            assertThat(verdict(browser, "fc3")).isEqualTo("PASS");
            assertThat(verdict(browser, "relu1")).isEqualTo("PASS");
            assertThat(verdict(browser, "fc1.bias")).isEqualTo("FAIL");
            assertThat(verdict(browser, "fc2.weight")).isEqualTo("FAIL");
            assertThat(verdict(browser, "fc1.weight")).isEqualTo("PASS");
            assertThat(verdict(browser, "X")).isEqualTo("DATA");
            List<WebElement> nodes = browser.findElements(By.cssSelector("svg#graph g.node"));
            assertThat(nodes).hasSize(mg.graph().nodes().size());
            // laid out: every node has a size and no two nodes overlap
            for (WebElement n : nodes) {
                assertThat(n.getRect().getWidth()).isGreaterThan(20);
            }
            for (int a = 0; a < nodes.size(); a++) {
                for (int b = a + 1; b < nodes.size(); b++) {
                    org.openqa.selenium.Rectangle p = nodes.get(a).getRect();
                    org.openqa.selenium.Rectangle q = nodes.get(b).getRect();
                    boolean overlap = p.x < q.x + q.width && q.x < p.x + p.width
                            && p.y < q.y + q.height && q.y < p.y + p.height;
                    assertThat(overlap).as("%s and %s overlap", nodes.get(a).getDomAttribute("data-node"),
                            nodes.get(b).getDomAttribute("data-node")).isFalse();
                }
            }
            assertThat(browser.findElements(By.cssSelector("article.finding"))).hasSize(4);
            assertThat(browser.findElements(By.cssSelector("svg.heatmap"))).hasSize(4);
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Gradient check FAILED");

            String shot = System.getProperty("report.screenshot");
            if (shot != null && !shot.isBlank()) {
                Number height = (Number) ((JavascriptExecutor) browser)
                        .executeScript("return document.documentElement.scrollHeight;");
                browser.manage().window().setSize(new Dimension(1300, height.intValue() + 20));
                Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
                Path target = Path.of(shot).toAbsolutePath();
                Files.createDirectories(target.getParent());
                Files.copy(png, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            browser.quit();
        }
    }

    private static String verdict(WebDriver browser, String node) {
        return browser.findElement(By.cssSelector("svg#graph g.node[data-node='" + node + "']"))
                .getDomAttribute("data-verdict");
    }

    /** Fails under CI, skips elsewhere, when chromium or chromedriver is missing. */
    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER)) {
            return;
        }
        String how = CHROMIUM + " and " + DRIVER + " are needed to test the HTML report in a browser; install them"
                + " with: apt-get install -y chromium chromium-driver";
        if (System.getenv("CI") != null) {
            fail(how + " (.ci/run does so before the build)");
        }
        Assumptions.abort("skipped: " + how);
    }
}
