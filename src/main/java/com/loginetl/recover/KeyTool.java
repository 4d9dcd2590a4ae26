package com.loginetl.recover;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.loginetl.ToolContext;
import com.loginetl.masking.Keysets;
import com.loginetl.masking.MaskingKeyException;
import com.loginetl.masking.MaskingMode;
import com.loginetl.masking.MaskingProperties;
import com.loginetl.masking.PiiMasker;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The key holder's tools, run from the service's jar without starting the service.
 * <ul>
 * <li>{@code keygen [--irreversible]} prints a new keyset (Tink JSON) on stdout: reversible
 * (AES256-SIV) by default, one-way (HMAC-SHA256 PRF) with {@code --irreversible}.</li>
 * <li>{@code keygen --rotate FILE} prints FILE's keyset with a new primary key of the same kind;
 * {@code keygen --retire FILE} prints it with only its primary key; {@code keygen --encrypt FILE}
 * prints FILE's cleartext keyset encrypted under the KMS key.</li>
 * <li>With a KMS key ({@code --kms-key-uri=URI}, or {@code LOGINS_MASKING_KMS_KEY_URI} as for the
 * service) every keyset they read and write is encrypted under it.</li>
 * <li>{@code unmask [TOKEN...]} prints the value behind each token (or each line of stdin), one a
 * line and in order. The keyset comes from the same settings as the service's:
 * {@code LOGINS_MASKING_KEYSET} / {@code LOGINS_MASKING_KEYSET_FILE}, or
 * {@code --logins.masking.keyset-file=PATH}.</li>
 * <li>{@code remask} rewrites stored tokens of old keys into primary-key tokens
 * ({@link RemaskTool}).</li>
 * </ul>
 */
public final class KeyTool {

	private static final Set<String> TOOLS = Set.of("keygen", "unmask", "remask");

	private static final String USAGE = """
			usage: java -jar login-etl.jar keygen [--irreversible] [--kms-key-uri=URI]
			       java -jar login-etl.jar keygen --rotate FILE [--kms-key-uri=URI]
			       java -jar login-etl.jar keygen --retire FILE [--kms-key-uri=URI]
			       java -jar login-etl.jar keygen --encrypt FILE --kms-key-uri=URI
			       java -jar login-etl.jar unmask [--kms-key-uri=URI] [--logins.masking.keyset-file=PATH] [TOKEN...]
			       java -jar login-etl.jar remask [--kms-key-uri=URI] [--batch-size=N] [--after-id=ID]
			keygen prints a keyset on stdout: a new one (reversible AES256-SIV, or one-way HMAC-SHA256 with
			--irreversible), FILE's with a new primary key added (--rotate), FILE's with only its primary
			key (--retire), or FILE's cleartext keyset encrypted under the KMS key (--encrypt); FILE - reads
			stdin. unmask reads tokens from stdin, one a line, when none are given.
			With a KMS key (--kms-key-uri=aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID, or
			LOGINS_MASKING_KMS_KEY_URI as for the service) keysets are read and written encrypted under it
			(Tink's encrypted keyset format); the tools need kms:Encrypt and kms:Decrypt on the key, with AWS
			credentials from the default chain. --kms-endpoint=URL sets another KMS endpoint.""";

	private KeyTool() {
	}

	public static boolean handles(String[] args) {
		return args.length > 0 && TOOLS.contains(args[0]);
	}

	/** @return the process exit code: 0 when it did all it was asked, 1 otherwise, 2 for usage */
	public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
		return run(args, in, out, err, new StandardEnvironment());
	}

	static int run(String[] args, InputStream in, PrintStream out, PrintStream err,
			ConfigurableEnvironment environment) {
		List<String> rest = Arrays.asList(args).subList(1, args.length);
		if (rest.contains("--help") || rest.contains("-h")) {
			out.println(args[0].equals("remask") ? RemaskTool.USAGE : USAGE);
			return 0;
		}
		return switch (args[0]) {
			case "keygen" -> keygen(rest, in, out, err, environment);
			case "remask" -> RemaskTool.run(ToolContext.expandAliases(rest), out, err, environment);
			default -> unmask(rest, in, out, err, environment);
		};
	}

	private static int keygen(List<String> args, InputStream in, PrintStream out, PrintStream err,
			ConfigurableEnvironment environment) {
		List<String> settings = args.stream().filter((arg) -> arg.startsWith("--") && arg.contains("=")).toList();
		List<String> options = args.stream().filter((arg) -> !settings.contains(arg)).toList();
		boolean generate = options.isEmpty() || options.equals(List.of("--irreversible"));
		boolean fromFile = options.size() == 2 && Set.of("--rotate", "--retire", "--encrypt").contains(options.get(0));
		if (!generate && !fromFile) {
			err.println(USAGE);
			return 2;
		}
		try {
			// Only the KMS settings matter here: the keyset is FILE's, or a new one.
			MaskingProperties kms = settings(settings, environment).withKeyset(null);
			String kmsNote = kms.encrypted() ? " (encrypted under " + kms.kmsKeyUri().strip() + ")" : " (cleartext)";
			if (generate) {
				MaskingMode mode = options.isEmpty() ? MaskingMode.REVERSIBLE : MaskingMode.IRREVERSIBLE;
				out.println(Keysets.generate(mode, kms));
				err.println("keygen: a new " + mode.description() + " keyset" + kmsNote + ".");
				return 0;
			}
			String keyset = read(options.get(1), in);
			switch (options.get(0)) {
				case "--rotate" -> {
					String rotated = Keysets.rotate(keyset, kms);
					PiiMasker masker = PiiMasker.forKeyHolder(kms.withKeyset(rotated));
					out.println(rotated);
					err.println("keygen: added key " + Integer.toUnsignedString(masker.primaryKeyId()) + " as the primary "
							+ "key of this " + masker.mode().description() + " keyset" + kmsNote + "; the old keys stay. "
							+ "Roll the new keyset out to every instance, then run remask.");
				}
				case "--encrypt" -> {
					String encrypted = Keysets.encrypt(keyset, kms);
					out.println(encrypted);
					err.println("keygen: the same keys" + kmsNote + ". Roll it out with LOGINS_MASKING_KMS_KEY_URI="
							+ kms.kmsKeyUri().strip() + ", then delete every copy of the cleartext keyset.");
				}
				default -> {
					Keysets.Retired retired = Keysets.retire(keyset, kms);
					out.println(retired.json());
					err.println("keygen: kept primary key " + Integer.toUnsignedString(retired.primaryKeyId()) + kmsNote
							+ (retired.removedKeyIds().isEmpty() ? "; there were no other keys."
									: "; removed keys " + retired.removedKeyIds()
										.stream()
										.map(Integer::toUnsignedString)
										.collect(Collectors.joining(", "))
											+ ". Tokens they made can no longer be read or recognised: retire "
											+ "keys only after remask reported none of their tokens left."));
				}
			}
			return 0;
		}
		catch (MaskingKeyException ex) {
			err.println("keygen: " + describe(ex));
			return 1;
		}
		catch (BindException ex) {
			err.println("keygen: " + ex.getMessage() + " (" + NestedExceptionUtils.getMostSpecificCause(ex).getMessage() + ")");
			return 2;
		}
		catch (IOException ex) {
			err.println("keygen: cannot read the keyset file " + options.get(1) + ": " + ex);
			return 1;
		}
	}

	/** The masking settings from the environment, with the command line's {@code --name=value} settings first. */
	private static MaskingProperties settings(List<String> settings, ConfigurableEnvironment environment) {
		environment.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource(ToolContext.expandAliases(settings).toArray(String[]::new)));
		return Binder.get(environment)
			.bind("logins.masking", MaskingProperties.class)
			.orElseGet(() -> new MaskingProperties(null, null));
	}

	/** The problem, and what to do when the exception says. */
	private static String describe(MaskingKeyException ex) {
		return (ex.action() != null) ? ex.getMessage() + " " + ex.action() : ex.getMessage();
	}

	private static int unmask(List<String> rest, InputStream in, PrintStream out, PrintStream err,
			ConfigurableEnvironment environment) {
		List<String> options = rest.stream().filter((arg) -> arg.startsWith("--")).toList();
		List<String> tokens = rest.stream().filter((arg) -> !arg.startsWith("--")).toList();
		PiiMasker masker;
		try {
			masker = PiiMasker.forKeyHolder(settings(options, environment));
		}
		catch (MaskingKeyException ex) {
			err.println("unmask: " + describe(ex));
			return 1;
		}
		catch (BindException ex) {
			err.println("unmask: " + ex.getMessage() + " (" + NestedExceptionUtils.getMostSpecificCause(ex).getMessage() + ")");
			return 2;
		}
		if (masker.mode() == MaskingMode.IRREVERSIBLE) {
			err.println("unmask: " + PiiMasker.irreversibleExplanation("read back"));
			return 1;
		}
		return unmask(masker, tokens.isEmpty() ? lines(in) : tokens, out, err);
	}

	private static int unmask(PiiMasker masker, List<String> tokens, PrintStream out, PrintStream err) {
		int unreadable = 0;
		for (int i = 0; i < tokens.size(); i++) {
			Optional<PiiMasker.Unmasked> value = masker.unmask(tokens.get(i));
			if (value.isPresent()) {
				out.println(value.get().value());
			}
			else {
				// An empty line keeps every later value on the line of its token.
				out.println();
				err.println("unmask: token " + (i + 1) + " was not made with this keyset");
				unreadable++;
			}
		}
		out.flush();
		return unreadable == 0 ? 0 : 1;
	}

	private static String read(String file, InputStream in) throws IOException {
		if (file.equals("-")) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		return Files.readString(Path.of(file), StandardCharsets.UTF_8);
	}

	private static List<String> lines(InputStream in) {
		List<String> lines = new ArrayList<>();
		new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
			.map(String::strip)
			.filter((line) -> !line.isEmpty())
			.forEach(lines::add);
		return lines;
	}

}
