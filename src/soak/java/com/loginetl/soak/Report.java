package com.loginetl.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * What the soak prints: each line to standard output and to a file of its own in the output
 * directory, stamped with the time since the run began ({@code +mm:ss}).
 */
final class Report {

	private static long startNanos = System.nanoTime();

	private static Writer file;

	private Report() {
	}

	static synchronized void open(Path path) {
		try {
			Files.createDirectories(path.getParent());
			file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** From now on the clock counts from zero: the run begins. */
	static synchronized void startClock() {
		startNanos = System.nanoTime();
	}

	static Duration elapsed() {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

	static String clock(Duration time) {
		long seconds = time.toSeconds();
		return String.format(Locale.ROOT, "%s%02d:%02d", seconds < 0 ? "-" : "+", Math.abs(seconds) / 60,
				Math.abs(seconds) % 60);
	}

	/** A line stamped with the time since the run began. */
	static void say(String format, Object... args) {
		line(clock(elapsed()) + "  " + String.format(Locale.ROOT, format, args));
	}

	/** A line as it is, without a time stamp. */
	static synchronized void line(String text) {
		System.out.println(text);
		System.out.flush();
		if (file != null) {
			try {
				file.write(text);
				file.write('\n');
				file.flush();
			}
			catch (IOException ex) {
				// the console still has it
			}
		}
	}

}
