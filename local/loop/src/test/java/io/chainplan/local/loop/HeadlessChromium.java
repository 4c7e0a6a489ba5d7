package io.chainplan.local.loop;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Chromium, headless, for tests of the pages chainplan serves: the DOM after the page's scripts
 * ran, and a screenshot. Found at {@code $CHROMIUM} or {@code /usr/bin/chromium} ({@code .ci/run} installs
 * the package); tests skip without it. Started as the machine guide says: no sandbox (root), no GPU and
 * no background networking (the machine's closed network refuses it), a fresh profile per run.
 */
final class HeadlessChromium {
    /** Virtual milliseconds the page may run: its one-second poll loads the document several times. */
    private static final int VIRTUAL_TIME_BUDGET_MS = 5_000;
    private static final long GUARD_SECONDS = 180;

    private final Path executable;
    private final Path scratch;

    private HeadlessChromium(Path executable, Path scratch) {
        this.executable = executable;
        this.scratch = scratch;
    }

    /**
     * @param scratch a directory for profiles and logs
     * @return Chromium, if installed
     */
    static Optional<HeadlessChromium> find(Path scratch) {
        String configured = System.getenv("CHROMIUM");
        Path exe = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
        return Files.isExecutable(exe) ? Optional.of(new HeadlessChromium(exe, scratch)) : Optional.empty();
    }

    /**
     * @param page the page
     * @return its DOM once its scripts ran
     * @throws IOException if Chromium fails
     */
    String dumpDom(URI page) throws IOException, InterruptedException {
        return run(page, "--dump-dom");
    }

    /**
     * Saves a screenshot of the page.
     *
     * @param page the page
     * @param png  where to write it
     * @throws IOException if Chromium fails or writes no picture
     */
    void screenshot(URI page, Path png) throws IOException, InterruptedException {
        run(page, "--screenshot=" + png.toAbsolutePath(), "--window-size=1280,1500", "--hide-scrollbars");
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IOException("chromium wrote no screenshot to " + png);
        }
    }

    private String run(URI page, String... what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(scratch, "chromium-profile");
        Path stdout = Files.createTempFile(scratch, "chromium", ".out");
        Path stderr = Files.createTempFile(scratch, "chromium", ".err");
        List<String> cmd = new ArrayList<>(List.of(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
        cmd.addAll(List.of(what));
        cmd.add(page.toString());
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within " + GUARD_SECONDS + " s; see " + stderr);
        }
        if (p.exitValue() != 0) {
            throw new IOException("chromium exited " + p.exitValue() + ": " + Files.readString(stderr));
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
