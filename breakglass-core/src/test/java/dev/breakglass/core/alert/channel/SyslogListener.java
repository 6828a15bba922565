package dev.breakglass.core.alert.channel;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real syslog receiver on loopback: UDP (one message per datagram, RFC 5426) or TCP with
 * octet-counting framing (RFC 6587), which it parses strictly: a frame that is not
 * {@code DIGITS SP MESSAGE} fails the test through {@link #framingErrors()}.
 */
public final class SyslogListener implements AutoCloseable {
  private final boolean tcp;
  private final List<byte[]> messages = new ArrayList<>();
  private final List<String> framingErrors = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private int accepted; // guarded by this
  private int endedBySender; // guarded by this
  private final DatagramSocket udp;
  private final ServerSocket server;
  private final Thread thread;
  private volatile boolean closed;

  private SyslogListener(boolean tcp, int port) throws IOException {
    this.tcp = tcp;
    if (tcp) {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      udp = null;
      thread = new Thread(this::acceptLoop, "syslog-tcp-listener");
    } else {
      udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      udp.setReceiveBufferSize(1 << 20);
      server = null;
      thread = new Thread(this::receiveLoop, "syslog-udp-listener");
    }
    thread.setDaemon(true);
    thread.start();
  }

  public static SyslogListener tcp() throws IOException {
    return new SyslogListener(true, 0);
  }

  public static SyslogListener tcp(int port) throws IOException {
    return new SyslogListener(true, port);
  }

  public static SyslogListener udp() throws IOException {
    return new SyslogListener(false, 0);
  }

  public int port() {
    return tcp ? server.getLocalPort() : udp.getLocalPort();
  }

  public List<String> framingErrors() {
    return List.copyOf(framingErrors);
  }

  /** Drops every open connection with a reset (RST), as a crashed receiver's kernel would. */
  public void resetConnections() throws IOException {
    for (Socket s : connections) {
      s.setSoLinger(true, 0);
      s.close();
    }
    connections.clear();
  }

  /** Writes one byte to every open connection: something a syslog receiver never does. */
  public void writeToSenders(int b) throws IOException {
    for (Socket s : connections) {
      s.getOutputStream().write(b);
      s.getOutputStream().flush();
    }
  }

  /** TCP connections accepted so far. */
  public synchronized int acceptedConnections() {
    return accepted;
  }

  /** Waits (at most 20 s) until {@code count} connections were closed by the sender; returns how many were. */
  public synchronized int awaitClosedBySender(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (endedBySender < count && deadline - System.nanoTime() > 0) {
      TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
    }
    return endedBySender;
  }

  private synchronized void connectionEvent(boolean acceptedOne) {
    if (acceptedOne) {
      accepted++;
    } else {
      endedBySender++;
    }
    notifyAll();
  }

  /** Drops every open connection, as a restarted receiver would. */
  public void dropConnections() throws IOException {
    for (Socket s : connections) {
      s.close();
    }
    connections.clear();
  }

  private void receiveLoop() {
    byte[] buf = new byte[65536];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        udp.receive(p);
      } catch (IOException e) {
        return;
      }
      add(Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength()));
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.add(s);
      connectionEvent(true);
      Thread reader = new Thread(() -> readFrames(s), "syslog-tcp-connection");
      reader.setDaemon(true);
      reader.start();
    }
  }

  private void readFrames(Socket s) {
    try (InputStream in = new BufferedInputStream(s.getInputStream())) {
      while (true) {
        int c = in.read();
        if (c < 0) {
          connectionEvent(false);
          return;
        }
        StringBuilder digits = new StringBuilder();
        while (c != ' ') {
          if (c < '0' || c > '9' || digits.length() > 9) {
            framingErrors.add("expected MSG-LEN digits, got byte " + c);
            return;
          }
          digits.append((char) c);
          c = in.read();
          if (c < 0) {
            throw new EOFException("connection closed inside MSG-LEN");
          }
        }
        if (digits.length() == 0 || digits.charAt(0) == '0') {
          framingErrors.add("MSG-LEN '" + digits + "' is not a positive number");
          return;
        }
        byte[] msg = in.readNBytes(Integer.parseInt(digits.toString()));
        if (msg.length != Integer.parseInt(digits.toString())) {
          framingErrors.add("frame cut short: " + msg.length + " of " + digits + " bytes");
          return;
        }
        add(msg);
      }
    } catch (SocketException e) {
      // connection dropped by dropConnections() or close()
    } catch (IOException e) {
      framingErrors.add(e.toString());
    }
  }

  private synchronized void add(byte[] message) {
    messages.add(message);
    notifyAll();
  }

  /** Raw messages received so far. */
  public synchronized List<byte[]> raw() {
    return List.copyOf(messages);
  }

  /** Waits (at most 20 s) for {@code count} messages, then returns all, decoded as UTF-8. */
  public List<String> await(int count) throws InterruptedException {
    return await(count, 20_000);
  }

  /** Waits at most {@code millis} for {@code count} messages, then returns all, decoded as UTF-8. */
  public synchronized List<String> await(int count, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (messages.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return messages.stream().map(m -> new String(m, StandardCharsets.UTF_8)).toList();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (tcp) {
      server.close();
      dropConnections();
    } else {
      udp.close();
    }
  }
}
