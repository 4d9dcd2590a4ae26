package com.loginetl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace of its own, joined to the host by a veth pair on a /30 of its own,
 * so that a process started in it ({@link #commandPrefix()}) talks to the host's servers over a
 * real link that {@link #partition(int)} can cut: packets to and from one port are dropped inside
 * the namespace, both ways, with no FIN and no reset, as a partition does. Neither end learns of
 * it but by its own timeouts; the server's TCP keepalive probes go unanswered.
 * <p>
 * The test servers listen on 127.0.0.1 only. {@link #expose(int)} makes one reachable from the
 * namespace at {@link #hostAddress()} and the same port, by NAT on the host (DNAT to 127.0.0.1,
 * and SNAT to 127.0.0.1 so that a server allowing only loopback clients lets it in): no relay
 * in between, so each TCP connection ends at the server and at the process in the namespace, and
 * what the server's kernel sends reaches the namespace or is dropped there.
 * <p>
 * Needs root, {@code ip} (iproute2) and {@code iptables}; {@link #missingTools()} says what is not
 * there. Everything made (namespace, link, NAT rules, processes left in the namespace) goes with
 * {@link #close()}, or with the JVM's shutdown when a test never got there.
 */
public final class NetworkNamespace implements AutoCloseable {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final String name;

	private final String hostAddress;

	private final String namespaceAddress;

	private final List<List<String>> dropRules = new ArrayList<>();

	private final Thread cleanUpAtExit;

	private boolean closed;

	private NetworkNamespace(String name, String hostAddress, String namespaceAddress) {
		this.name = name;
		this.hostAddress = hostAddress;
		this.namespaceAddress = namespaceAddress;
		this.cleanUpAtExit = new Thread(this::removeAll, "netns-cleanup-" + name);
	}

	/**
	 * What this machine lacks to make a namespace ({@code root}, {@code ip}, {@code iptables}), or
	 * an empty list.
	 */
	public static List<String> missingTools() {
		List<String> missing = new ArrayList<>();
		if (!"0".equals(output(List.of("id", "-u")).strip())) {
			missing.add("root");
		}
		for (String tool : List.of("ip", "iptables")) {
			if (run(List.of("sh", "-c", "command -v " + tool)) != 0) {
				missing.add(tool);
			}
		}
		return missing;
	}

	/** A new namespace with a unique name and subnet, its link up and its default route the host. */
	public static NetworkNamespace create() {
		List<String> missing = missingTools();
		if (!missing.isEmpty()) {
			throw new IllegalStateException("A network namespace needs root, ip (iproute2) and iptables; missing: "
					+ String.join(", ", missing));
		}
		String name = "le" + HexFormat.of().formatHex(RANDOM.generateSeed(3));
		String[] addresses = freeSubnet();
		NetworkNamespace namespace = new NetworkNamespace(name, addresses[0], addresses[1]);
		Runtime.getRuntime().addShutdownHook(namespace.cleanUpAtExit);
		try {
			namespace.setUp();
			return namespace;
		}
		catch (RuntimeException ex) {
			namespace.close();
			throw ex;
		}
	}

	private void setUp() {
		String host = hostLink();
		String inside = this.name + "n";
		ip("netns", "add", this.name);
		ip("link", "add", host, "type", "veth", "peer", "name", inside);
		ip("link", "set", inside, "netns", this.name);
		ip("addr", "add", this.hostAddress + "/30", "dev", host);
		ip("link", "set", host, "up");
		inNamespace("ip", "addr", "add", this.namespaceAddress + "/30", "dev", inside);
		inNamespace("ip", "link", "set", inside, "up");
		inNamespace("ip", "link", "set", "lo", "up");
		inNamespace("ip", "route", "add", "default", "via", this.hostAddress);
		// Without it the host drops packets whose destination became 127.0.0.1 as martians.
		try {
			Files.writeString(Path.of("/proc/sys/net/ipv4/conf", host, "route_localnet"), "1");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Makes the host's {@code 127.0.0.1:port} reachable from inside at {@link #hostAddress()}{@code :port}. */
	public void expose(int port) {
		String target = "127.0.0.1:" + port;
		must(List.of("iptables", "-t", "nat", "-A", "PREROUTING", "-i", hostLink(), "-p", "tcp", "-d", this.hostAddress,
				"--dport", Integer.toString(port), "-m", "comment", "--comment", this.name, "-j", "DNAT",
				"--to-destination", target));
		must(List.of("iptables", "-t", "nat", "-A", "INPUT", "-s", this.namespaceAddress, "-d", "127.0.0.1", "-p",
				"tcp", "--dport", Integer.toString(port), "-m", "comment", "--comment", this.name, "-j", "SNAT",
				"--to-source", "127.0.0.1"));
	}

	/**
	 * Drops every packet to and from the host's {@code port} inside the namespace, both ways, on
	 * open connections and new ones; nothing is sent back to either end.
	 */
	public synchronized void partition(int port) {
		List<List<String>> rules = List.of(
				List.of("OUTPUT", "-p", "tcp", "-d", this.hostAddress, "--dport", Integer.toString(port), "-j", "DROP"),
				List.of("INPUT", "-p", "tcp", "-s", this.hostAddress, "--sport", Integer.toString(port), "-j", "DROP"));
		for (List<String> rule : rules) {
			List<String> add = new ArrayList<>(List.of("iptables", "-A"));
			add.addAll(rule);
			inNamespace(add.toArray(String[]::new));
			this.dropRules.add(rule);
		}
	}

	/** Takes every {@link #partition(int)} back: packets pass again. */
	public synchronized void heal() {
		for (List<String> rule : this.dropRules) {
			List<String> delete = new ArrayList<>(List.of("iptables", "-D"));
			delete.addAll(rule);
			inNamespace(delete.toArray(String[]::new));
		}
		this.dropRules.clear();
	}

	/** What runs a command inside: {@code ip netns exec NAME}, which execs the command in place. */
	public List<String> commandPrefix() {
		return List.of("ip", "netns", "exec", this.name);
	}

	public String name() {
		return this.name;
	}

	/** The host's end of the link: how a process inside reaches what {@link #expose(int)} exposed. */
	public String hostAddress() {
		return this.hostAddress;
	}

	/** The namespace's end of the link: how the host reaches a port a process inside listens on. */
	public String namespaceAddress() {
		return this.namespaceAddress;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		removeAll();
		try {
			Runtime.getRuntime().removeShutdownHook(this.cleanUpAtExit);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down and runs the hook anyway
		}
	}

	/** Best effort, every step even when one fails: also the shutdown hook's job. */
	private void removeAll() {
		for (String pid : output(List.of("ip", "netns", "pids", this.name)).split("\\s+")) {
			if (pid.matches("\\d+")) {
				run(List.of("kill", "-KILL", pid));
			}
		}
		run(List.of("ip", "netns", "del", this.name));
		run(List.of("ip", "link", "del", hostLink()));
		// The host's NAT rules of this namespace, found by their comment.
		for (String rule : output(List.of("iptables", "-t", "nat", "-S")).lines().toList()) {
			if (rule.startsWith("-A ") && rule.contains("--comment " + this.name + " ")) {
				List<String> delete = new ArrayList<>(List.of("iptables", "-t", "nat", "-D"));
				delete.addAll(List.of(rule.substring(3).split(" ")));
				run(delete);
			}
		}
	}

	private String hostLink() {
		return this.name + "h";
	}

	/**
	 * The host's and the namespace's address on a /30 in 10.200.0.0-10.249.255.255 whose
	 * addresses no interface of the host holds.
	 */
	private static String[] freeSubnet() {
		String inUse = output(List.of("ip", "-o", "-4", "addr"));
		for (int attempt = 0; attempt < 100; attempt++) {
			String network = "10." + (200 + RANDOM.nextInt(50)) + "." + RANDOM.nextInt(256) + ".";
			int base = 4 * RANDOM.nextInt(64);
			String host = network + (base + 1);
			String namespace = network + (base + 2);
			if (!inUse.contains(" " + host + "/") && !inUse.contains(" " + namespace + "/")) {
				return new String[] { host, namespace };
			}
		}
		throw new IllegalStateException("No free /30 in 10.200.0.0/14 after 100 tries");
	}

	private void ip(String... arguments) {
		List<String> command = new ArrayList<>(List.of("ip"));
		command.addAll(List.of(arguments));
		must(command);
	}

	private void inNamespace(String... arguments) {
		List<String> command = new ArrayList<>(commandPrefix());
		command.addAll(List.of(arguments));
		must(command);
	}

	private static void must(List<String> command) {
		Result result = execute(command);
		if (result.status() != 0) {
			throw new IllegalStateException(String.join(" ", command) + " failed (" + result.status() + "): "
					+ result.output().strip());
		}
	}

	private static int run(List<String> command) {
		return execute(command).status();
	}

	private static String output(List<String> command) {
		return execute(command).output();
	}

	private static Result execute(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new Result(-1, output);
			}
			return new Result(process.exitValue(), output);
		}
		catch (IOException ex) {
			return new Result(-1, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Result(-1, ex.toString());
		}
	}

	private record Result(int status, String output) {
	}

}
