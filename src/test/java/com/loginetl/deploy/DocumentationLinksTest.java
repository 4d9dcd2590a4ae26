package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link of README.md and docs/ points at a file that exists, and every anchor at a
 * heading of its page, as GitHub renders them: a page moved or a heading renamed fails here, not
 * in a reader's browser.
 */
class DocumentationLinksTest {

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

	private static final Pattern INLINE_LINK = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");

	@Test
	void everyRelativeLinkAndAnchorResolves() {
		List<String> broken = new ArrayList<>();
		Map<Path, Set<String>> anchors = new HashMap<>();
		for (Path page : pages()) {
			List<String> lines = prose(page);
			for (int n = 0; n < lines.size(); n++) {
				Matcher link = LINK.matcher(lines.get(n));
				while (link.find()) {
					String target = link.group(1);
					if (target.matches("^[a-z]+:.*")) {
						continue;
					}
					int hash = target.indexOf('#');
					String file = (hash < 0) ? target : target.substring(0, hash);
					Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
					String where = DeployFiles.projectDir().relativize(page) + ":" + (n + 1) + " -> " + target;
					if (!Files.exists(resolved)) {
						broken.add(where + " (no such file)");
					}
					else if (hash >= 0 && resolved.toString().endsWith(".md")
							&& !anchors.computeIfAbsent(resolved, DocumentationLinksTest::anchorsOf)
								.contains(target.substring(hash + 1))) {
						broken.add(where + " (no such heading)");
					}
				}
			}
		}
		assertThat(broken).as("links that point nowhere").isEmpty();
	}

	@Test
	void anchorsFollowGithubsRules() {
		assertThat(anchor("What `mvn -B verify` checks")).isEqualTo("what-mvn--b-verify-checks");
		assertThat(anchor("Masking: why keyed deterministic encryption"))
			.isEqualTo("masking-why-keyed-deterministic-encryption");
		assertThat(anchor("The [chart](x.md) and logins_keyset_encrypted"))
			.isEqualTo("the-chart-and-logins_keyset_encrypted");
	}

	private static List<Path> pages() {
		Path root = DeployFiles.projectDir();
		List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
		Path docs = root.resolve("docs");
		if (Files.isDirectory(docs)) {
			try (Stream<Path> files = Files.walk(docs)) {
				files.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return pages;
	}

	/** The page's lines, fenced code blocks blanked out (a link in an example is not a link). */
	private static List<String> prose(Path page) {
		List<String> lines = new ArrayList<>();
		boolean fenced = false;
		try {
			for (String line : Files.readAllLines(page)) {
				if (line.strip().startsWith("```")) {
					fenced = !fenced;
					lines.add("");
				}
				else {
					lines.add(fenced ? "" : line);
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return lines;
	}

	private static Set<String> anchorsOf(Path page) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		for (String line : prose(page)) {
			Matcher heading = HEADING.matcher(line);
			if (heading.matches()) {
				String anchor = anchor(heading.group(1));
				int count = seen.merge(anchor, 1, Integer::sum);
				anchors.add((count == 1) ? anchor : anchor + "-" + (count - 1));
			}
		}
		return anchors;
	}

	/** GitHub's heading anchor: link text kept, lower case, punctuation but '-' and '_' dropped, spaces to '-'. */
	static String anchor(String heading) {
		String text = INLINE_LINK.matcher(heading).replaceAll("$1");
		return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
	}

}
