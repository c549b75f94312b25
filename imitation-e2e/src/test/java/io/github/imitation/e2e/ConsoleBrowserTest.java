package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.cli.ImitationCli;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.kafka.EmbeddedKafkaBroker;
import io.github.imitation.kafka.TopicLayout;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The run console in a real browser (headless Chromium through chromium-driver) against a running pipeline
 * ({@code imitation up} on a real broker, the services as processes): {@code up} prints the console's URL; the
 * page lists the run (id and phase) as soon as it is created, without a reload; the run's learning curve gains
 * points while it trains; the animation canvases draw frames; a malformed record streamed into Kafka appears
 * among the dead letters with its reason; a run started from the form runs, and the stop button stops it.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Pattern CONSOLE_LINE = Pattern.compile("(?m)^console: (http://\\S+/)$");

    @Test
    void theConsoleShowsTheRunLiveItsCurveTheAnimationADeadLetterAndStartsAndStopsARun(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "): the console's browser test is skipped; .ci/run installs them");
        Path demos = dir.resolve("cartpole-scripted.jsonl");
        DemonstrationsJsonl.write(demos, PipelineTesting.demonstrations(2, 11));
        int base = PipelineTesting.freePorts(5);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        AtomicInteger code = new AtomicInteger(-1);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, dir.resolve("kafka"))) {
            String kafka = broker.bootstrapServers();
            TopicLayout.ensureTopics(kafka);
            // Without --exit-when-done everything keeps running after the run, as a user watching it would have it.
            Thread up = new Thread(() -> {
                var cli = ImitationCli.commandLine();
                cli.setOut(new PrintWriter(out, true));
                cli.setErr(new PrintWriter(err, true));
                code.set(cli.execute("up", "--env", PipelineTesting.CARTPOLE, "--algo", "gail", "--dataset",
                        demos.toString(), "--max-env-steps", "100000", "--seed", "2", "--quiet", "--bootstrap", kafka,
                        "--out", dir.resolve("run").toString(), "--port-base", Integer.toString(base)));
            }, "console-up");
            up.start();
            WebDriver browser = null;
            try {
                String console = awaitConsoleLine(out, err, up, code);
                assertEquals("http://localhost:" + (base + 3) + "/", console, "the console line names the policy-service");
                browser = chromium();
                // The pages re-render as records arrive: an element found a moment ago may be replaced, so look again.
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(240), Duration.ofMillis(200));
                wait.ignoring(StaleElementReferenceException.class);
                browser.get(console);

                // The run appears (it is created after the page loaded: the live feed brings it), id and phase as text.
                WebElement row = wait.until(b -> b.findElements(By.cssSelector("#runs-table tr[data-run-id^='up-']"))
                        .stream().findFirst().orElse(null));
                String runId = row.getAttribute("data-run-id");
                wait.until(b -> {
                    String text = b.findElement(By.cssSelector("#runs-table tr[data-run-id='" + runId + "']")).getText();
                    return text.contains(runId) && (text.contains("RUNNING") || text.contains("COMPLETED"));
                });

                // Its page: the curve gains points while it trains; both canvases draw frames.
                wait.until(b -> b.findElement(By.linkText(runId))).click();
                wait.until(b -> points(b) >= 1);
                int first = points(browser);
                wait.until(b -> points(b) >= first + 2);
                assertTrue(browser.findElement(By.id("curve-note")).getText().contains("expert"),
                        browser.findElement(By.id("curve-note")).getText());
                wait.until(b -> frames(b, "policy-canvas") > 20 && frames(b, "expert-canvas") > 20);
                assertTrue(inkedPixels(browser, "policy-canvas") > 500, "the policy's canvas shows the env");
                assertTrue(browser.findElement(By.id("run-spec")).getText().contains("\"algo\" : \"gail\"")
                        || browser.findElement(By.id("run-spec")).getText().contains("\"algo\": \"gail\""));

                // A dead letter streamed into Kafka appears with its reason.
                browser.get(console + "#/datasets");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                    producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, "console-dlq-test",
                            "{\"env\": \"CartPole-v1\", \"obs\": [[0, 0, 0]], \"not json")).get(30, TimeUnit.SECONDS);
                }
                String letter = wait.until(b -> b.findElements(By.cssSelector("#dead-letters tr[data-dlq-offset]")).stream()
                        .filter(r -> r.getText().contains("console-dlq-test"))
                        .map(r -> r.findElement(By.cssSelector("td.reason")).getText()).findFirst().orElse(null));
                assertFalse(letter.isBlank() || letter.contains("no reason"), "the reason is shown: " + letter);
                wait.until(b -> b.findElement(By.id("datasets-table")).getText().contains("cartpole-scripted"));

                // A run started from the form runs; the stop button stops it.
                browser.get(console + "#/new");
                wait.until(b -> !b.findElements(By.cssSelector("#form-algo option")).isEmpty());
                new Select(browser.findElement(By.id("form-env"))).selectByValue(PipelineTesting.CARTPOLE);
                new Select(browser.findElement(By.id("form-algo"))).selectByValue("gail");
                new Select(browser.findElement(By.id("form-dataset"))).selectByValue("cartpole-scripted");
                browser.findElement(By.id("form-budget")).sendKeys("500000");
                browser.findElement(By.id("form-run-id")).sendKeys("console-form-run");
                browser.findElement(By.id("form-submit")).click();
                wait.until(b -> b.getCurrentUrl().endsWith("#/runs/console-form-run"));
                wait.until(b -> !"v0".equals(b.findElement(By.cssSelector("#run-stats [data-stat='policy version'] b")).getText()));
                assertEquals("RUNNING", browser.findElement(By.id("run-phase")).getText());
                browser.findElement(By.id("stop-run")).click();
                wait.until(b -> "STOPPED".equals(b.findElement(By.id("run-phase")).getText()));

                // Back on the list, both runs are there with their phases.
                browser.get(console);
                wait.until(b -> b.findElement(By.cssSelector("#runs-table tr[data-run-id='console-form-run']")).getText()
                        .contains("STOPPED"));
            } catch (RuntimeException | AssertionError e) {
                if (browser instanceof org.openqa.selenium.TakesScreenshot shot) {
                    // what the page showed when it failed, next to the surefire report
                    Path png = Path.of("target", "console-browser-test-failure.png");
                    Files.write(png, shot.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
                    e.addSuppressed(new AssertionError("the page at the failure: " + png.toAbsolutePath()));
                }
                throw e;
            } finally {
                if (browser != null) {
                    browser.quit();
                }
                up.interrupt(); // ends up's wait: it stops its processes
                up.join(120_000);
            }
            assertFalse(up.isAlive(), "up did not stop: " + err);
        }
    }

    private static String awaitConsoleLine(StringWriter out, StringWriter err, Thread up, AtomicInteger code)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            Matcher m = CONSOLE_LINE.matcher(out.toString());
            if (m.find()) {
                return m.group(1);
            }
            assertTrue(up.isAlive(), "up ended with " + code.get() + " before printing the console line: " + err);
            Thread.sleep(200);
        }
        throw new AssertionError("up printed no console line in 300 s; stdout: " + out + "; stderr: " + err);
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static int points(WebDriver browser) {
        List<WebElement> chart = browser.findElements(By.id("curve-chart"));
        String value = chart.isEmpty() ? null : chart.get(0).getAttribute("data-points");
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static int frames(WebDriver browser, String canvasId) {
        List<WebElement> canvas = browser.findElements(By.id(canvasId));
        String value = canvas.isEmpty() ? null : canvas.get(0).getAttribute("data-frames");
        return value == null ? 0 : Integer.parseInt(value);
    }

    /** Pixels of the canvas that are not background white: the frame drawn is not empty. */
    private static long inkedPixels(WebDriver browser, String canvasId) {
        Object n = ((JavascriptExecutor) browser).executeScript(
                "const c = document.getElementById(arguments[0]);"
                        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + "let n = 0; for (let i = 0; i < d.length; i += 4) {"
                        + "  if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++; }"
                        + "return n;", canvasId);
        return ((Number) n).longValue();
    }
}
