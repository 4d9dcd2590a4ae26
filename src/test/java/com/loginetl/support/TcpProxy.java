package com.loginetl.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on the loopback interface that a test can cut: {@link #cut()} closes every open
 * connection and from then on closes new ones as soon as they are accepted (the peer sees a
 * reset, as when a database fails over); {@link #restore()} lets connections through again.
 * <p>
 * Or it can go silent: {@link #blackHole()} stops forwarding bytes on every open connection and on
 * new ones, but keeps their sockets open, as a network partition or a failover without resets
 * does; nothing tells either peer. {@link #restore()} then closes the silenced connections (their
 * peers are out of step) and forwards new ones normally again.
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

	private final Set<Socket> silenced = ConcurrentHashMap.newKeySet();

	private volatile boolean cut;

	private volatile boolean blackHole;

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

	public int port() {
		return this.server.getLocalPort();
	}

	public void cut() {
		this.cut = true;
		this.open.forEach(TcpProxy::closeQuietly);
	}

	/** Stops forwarding on open and new connections without closing any. */
	public void blackHole() {
		this.blackHole = true;
		this.silenced.addAll(this.open);
	}

	public void restore() {
		this.cut = false;
		this.blackHole = false;
		this.silenced.forEach(TcpProxy::closeQuietly);
		this.silenced.clear();
	}

	@Override
	public void close() {
		cut();
		closeQuietly(this.server);
		this.threads.shutdownNow();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				if (this.cut) {
					client.setSoLinger(true, 0);
					client.close();
					continue;
				}
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.open.add(client);
				this.open.add(upstream);
				if (this.blackHole) {
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

	private void pump(Socket from, Socket to) {
		byte[] buffer = new byte[16 * 1024];
		try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				if (this.silenced.contains(from)) {
					// Swallowed, as a partition does: the sender's writes succeed, no answer comes.
					continue;
				}
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException ex) {
			// one side went away; the other is closed below
		}
		finally {
			closeQuietly(from);
			closeQuietly(to);
			this.open.remove(from);
			this.open.remove(to);
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

}
