package com.loginetl.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jdk.net.ExtendedSocketOptions;

/**
 * A TCP proxy on the loopback interface that a test can cut: {@link #cut()} closes every open
 * connection and from then on closes new ones as soon as they are accepted (the peer sees a
 * reset, as when a database fails over); {@link #restore()} lets connections through again.
 * <p>
 * Or it can go silent: {@link #blackHole()} stops passing anything on every open connection and on
 * new ones, as a network partition or a failover without resets does: no data, and no close
 * either (a peer that closes its end is not seen by the other); new connections are accepted and
 * held, never connected to the server. Nothing tells either peer. {@link #forwardNewConnections()}
 * then lets new connections through while the silenced ones stay silent, so that a test sees
 * whether the client frees itself of them; {@link #restore()} resets the silenced connections
 * (their peers are out of step) and forwards new ones normally again.
 * <p>
 * A relay stands between the client and the server, so the server's TCP keepalive probes reach the
 * relay, which answers them whether or not its client is still there. {@link #probingClients}
 * makes the relay probe its clients as the server would, and end both sides of a connection whose
 * client stopped answering, so that a client gone behind a partition ends its server session too.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final ExecutorService threads = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "tcp-proxy");
		thread.setDaemon(true);
		return thread;
	});

	/** Sockets of silenced connections, both ends; nothing passes on them and none is closed until {@link #restore()}. */
	private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	/** New connections are held silent, not connected to the server. */
	private volatile boolean silenceNew;

	/** The keepalive probes of accepted clients, or null for none. */
	private volatile Probes probes;

	private TcpProxy(ServerSocket server, int targetPort) {
		this.server = server;
		this.targetPort = targetPort;
	}

	/** A proxy to {@code 127.0.0.1:targetPort} on a free loopback port. */
	public static TcpProxy to(int targetPort) {
		try {
			TcpProxy proxy = new TcpProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
			proxy.threads.execute(proxy::accept);
			return proxy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * From now on probes each new client with TCP keepalive: the first probe after {@code idle} without
	 * traffic, then every {@code interval}; after {@code count} unanswered probes the connection
	 * ends, its upstream side closed too, as the server ends a session on its own keepalives.
	 */
	public TcpProxy probingClients(Duration idle, Duration interval, int count) {
		this.probes = new Probes(idle, interval, count);
		return this;
	}

	public int port() {
		return this.server.getLocalPort();
	}

	public void cut() {
		this.cut = true;
		this.open.forEach(TcpProxy::closeQuietly);
	}

	/** Stops passing anything (data, closes) on open and new connections, without closing any. */
	public void blackHole() {
		this.silenceNew = true;
		this.silenced.addAll(this.open);
	}

	/** Forwards new connections normally again; those silenced so far stay silent and open. */
	public void forwardNewConnections() {
		this.silenceNew = false;
	}

	/** Silenced connections (counting each end) that are still held: none is closed before {@link #restore()}. */
	public int silencedSockets() {
		return this.silenced.size();
	}

	public void restore() {
		this.cut = false;
		this.silenceNew = false;
		this.silenced.forEach(TcpProxy::closeQuietly);
		this.silenced.clear();
	}

	@Override
	public void close() {
		cut();
		this.silenced.forEach(TcpProxy::closeQuietly);
		closeQuietly(this.server);
		this.threads.shutdownNow();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Probes clientProbes = this.probes;
				if (clientProbes != null) {
					client.setKeepAlive(true);
					client.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) clientProbes.idle().toSeconds());
					client.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) clientProbes.interval().toSeconds());
					client.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, clientProbes.count());
				}
				if (this.cut) {
					closeQuietly(client);
					continue;
				}
				if (this.silenceNew) {
					// Held open, and what the client sends is read and dropped, as a partition does;
					// the server never hears of this connection.
					this.silenced.add(client);
					this.threads.execute(() -> pump(client, null));
					continue;
				}
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.open.add(client);
				this.open.add(upstream);
				if (this.silenceNew) {
					// blackHole() came while this one connected
					this.silenced.add(client);
					this.silenced.add(upstream);
				}
				this.threads.execute(() -> pump(client, upstream));
				this.threads.execute(() -> pump(upstream, client));
			}
			catch (IOException ex) {
				// the server socket was closed, or one connection failed: go on with the next
			}
		}
	}

	/** Copies {@code from} to {@code to} until one side goes away; {@code to} null drops everything. */
	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try {
			InputStream in = from.getInputStream();
			OutputStream out = (to != null) ? to.getOutputStream() : null;
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (out == null || this.silenced.contains(from)) {
					// Swallowed, as a partition does: the sender's writes succeed, no answer comes.
					continue;
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side went away, or restore() or cut() closed it
		}
		finally {
			if (!this.silenced.contains(from)) {
				// A close passes on to the other side as a reset; on a silenced connection nothing
				// passes: its sockets stay open until restore().
				closeQuietly(from);
				if (to != null) {
					closeQuietly(to);
				}
			}
			this.open.remove(from);
			if (to != null) {
				this.open.remove(to);
			}
		}
	}

	private static void closeQuietly(java.io.Closeable closeable) {
		try {
			if (closeable instanceof Socket socket && !socket.isClosed()) {
				socket.setSoLinger(true, 0);
			}
			closeable.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	private record Probes(Duration idle, Duration interval, int count) {
	}

}
