package dev.breakglass.core.alert.channel;

import dev.breakglass.spi.Alert;
import dev.breakglass.spi.AlertChannel;
import dev.breakglass.spi.AlertDeliveryException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Sends alerts as RFC 5424 syslog messages over UDP (RFC 5426, one message per datagram) or TCP
 * (RFC 6587 octet-counting framing: {@code LENGTH SP MESSAGE}).
 *
 * <h2>Message</h2>
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID id="..." severity="..." type="..."
 *     grant="..." account="..." d.KEY="..."] BOM SUMMARY
 * </pre>
 * {@code PRI} is the facility (default {@code auth}, 4) times 8 plus the syslog severity: INFO is
 * {@code notice} (5), HIGH {@code err} (3), CRITICAL {@code alert} (1). {@code MSGID} is the audit
 * event type. The alert id (the idempotency key) is the {@code id} parameter of the structured data
 * element; detail keys become parameter names {@code d.KEY} (characters syslog forbids replaced by
 * {@code _}, cut to 32 characters); values are escaped as RFC 5424 requires. The default SD-ID
 * {@code breakglass@32473} uses the private enterprise number reserved for documentation
 * (RFC 5612); configure your organisation's own.
 *
 * <h2>Delivery guarantees</h2>
 * Over TCP, one connection is kept; before each write the channel checks that the receiver has not
 * closed it, and re-opens it if so or after an error. A write that fails throws a retryable
 * {@link AlertDeliveryException}; a write the peer's kernel accepted counts as delivered.
 * UDP cannot tell whether anything arrived, so a UDP channel does not {@link #confirmsDelivery()
 * confirm delivery}. Its socket is connected, so a receiver that is not listening (an ICMP "port
 * unreachable") makes the next send fail with a retryable exception; messages longer than the maximum datagram size (default 2048 bytes, the size
 * RFC 5426 says receivers should accept) are cut at a character boundary.
 *
 * <p>Thread-safe: TCP writes are serialized on the one connection.
 */
public final class SyslogAlertChannel implements AlertChannel {
  /** The provider and default channel name. */
  public static final String NAME = "syslog";

  /** The transport. */
  public enum Transport {
    /** RFC 5426: one datagram per message; fire and forget. */
    UDP,
    /** RFC 6587: a stream with octet-counting framing. */
    TCP
  }

  /** Syslog facilities, with their RFC 5424 codes. */
  public enum Facility {
    KERN(0), USER(1), MAIL(2), DAEMON(3), AUTH(4), SYSLOG(5), LPR(6), NEWS(7), UUCP(8), CRON(9), AUTHPRIV(10),
    FTP(11), NTP(12), SECURITY(13), CONSOLE(14), SOLARIS_CRON(15), LOCAL0(16), LOCAL1(17), LOCAL2(18), LOCAL3(19),
    LOCAL4(20), LOCAL5(21), LOCAL6(22), LOCAL7(23);

    private final int code;

    Facility(int code) {
      this.code = code;
    }

    /** The numeric code. */
    public int code() {
      return code;
    }
  }

  private final String name;
  private final String host;
  private final int port;
  private final Transport transport;
  private final Facility facility;
  private final SyslogMessage messageFormat;
  private final int timeoutMillis;
  private final int maxDatagramBytes;

  private final Object lock = new Object();
  private @Nullable Socket socket; // guarded by lock
  private @Nullable DatagramSocket datagrams; // guarded by lock
  private boolean closed; // guarded by lock

  private SyslogAlertChannel(Builder b) {
    this.name = b.name;
    this.host = b.host;
    this.port = b.port;
    this.transport = b.transport;
    this.facility = b.facility;
    this.messageFormat = new SyslogMessage(b.facility, b.hostname != null ? b.hostname : localHostname(), b.appName,
        Long.toString(ProcessHandle.current().pid()), b.sdId);
    this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.timeout.toMillis());
    this.maxDatagramBytes = b.maxDatagramBytes;
  }

  /** A builder sending to {@code host}:{@code port}. */
  public static Builder builder(String host, int port) {
    return new Builder(host, port);
  }

  @Override
  public String name() {
    return name;
  }

  /** UDP cannot confirm anything arrived; TCP can (the peer accepted the bytes). */
  @Override
  public boolean confirmsDelivery() {
    return transport == Transport.TCP;
  }

  @Override
  public void deliver(Alert alert) {
    byte[] message = format(alert);
    if (transport == Transport.UDP) {
      sendDatagram(message);
    } else {
      sendFramed(message);
    }
  }

  private void sendDatagram(byte[] message) {
    byte[] payload = message.length <= maxDatagramBytes ? message : SyslogMessage.truncate(message, maxDatagramBytes);
    synchronized (lock) {
      if (closed) {
        throw new AlertDeliveryException("syslog channel '" + name + "' is closed", false);
      }
      try {
        if (datagrams == null) {
          // Connected, so that an ICMP "port unreachable" for one datagram surfaces as an error on
          // the next send instead of being ignored.
          DatagramSocket s = new DatagramSocket();
          try {
            s.connect(InetAddress.getByName(host), port);
          } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
          }
          datagrams = s;
        }
        datagrams.send(new DatagramPacket(payload, payload.length));
      } catch (PortUnreachableException e) {
        throw new AlertDeliveryException("syslog " + target() + ": port unreachable (nothing listening)", true, e);
      } catch (UnknownHostException e) {
        throw new AlertDeliveryException("syslog " + target() + ": unknown host", true, e);
      } catch (IOException | UncheckedIOException e) {
        if (datagrams != null) {
          datagrams.close();
          datagrams = null;
        }
        throw new AlertDeliveryException("syslog " + target() + ": " + e.getClass().getSimpleName(), true, e);
      }
    }
  }

  private void sendFramed(byte[] message) {
    byte[] prefix = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    synchronized (lock) {
      if (closed) {
        throw new AlertDeliveryException("syslog channel '" + name + "' is closed", false);
      }
      try {
        if (socket != null && peerClosed(socket)) {
          closeSocketLocked();
        }
        if (socket == null) {
          Socket s = new Socket();
          try {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
          } catch (IOException e) {
            s.close();
            throw e;
          }
          socket = s;
        }
        OutputStream out = socket.getOutputStream();
        byte[] frame = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, frame, 0, prefix.length);
        System.arraycopy(message, 0, frame, prefix.length, message.length);
        out.write(frame);
        out.flush();
      } catch (IOException e) {
        closeSocketLocked();
        String what = e instanceof SocketTimeoutException ? "timed out" : e.getClass().getSimpleName();
        throw new AlertDeliveryException("syslog " + target() + ": " + what, true, e);
      }
    }
  }

  /**
   * Whether the receiver has closed the connection. A syslog receiver never sends anything, so a
   * read that sees end-of-stream (or a reset) means it is gone; one that times out means it is still
   * there. Checking before each write avoids writing an alert into a connection whose peer has
   * already left, where the kernel would accept and then discard it.
   */
  private boolean peerClosed(Socket s) {
    try {
      s.setSoTimeout(1);
      try {
        return s.getInputStream().read() < 0;
      } finally {
        s.setSoTimeout(timeoutMillis);
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The RFC 5424 message for {@code alert} (without transport framing). */
  byte[] format(Alert alert) {
    return messageFormat.format(alert);
  }

  private String target() {
    return transport.name().toLowerCase(Locale.ROOT) + "://" + host + ":" + port;
  }

  private static String localHostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "-";
    }
  }

  private void closeSocketLocked() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // nothing more to release
      }
      socket = null;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      closeSocketLocked();
      if (datagrams != null) {
        datagrams.close();
        datagrams = null;
      }
    }
  }

  @Override
  public String toString() {
    return "SyslogAlertChannel[" + name + ", " + target() + ", " + facility.name().toLowerCase(Locale.ROOT) + "]";
  }

  /** Configures a {@link SyslogAlertChannel}. Not thread-safe. */
  public static final class Builder {
    private final String host;
    private final int port;
    private String name = NAME;
    private Transport transport = Transport.TCP;
    private Facility facility = Facility.AUTH;
    private @Nullable String hostname;
    private String appName = "breakglass";
    private String sdId = "breakglass@32473";
    private Duration timeout = Duration.ofSeconds(5);
    private int maxDatagramBytes = 2048;

    private Builder(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("syslog host must not be blank");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("syslog port must be 1-65535, was " + port);
      }
      this.host = host;
      this.port = port;
    }

    public Builder name(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("syslog channel name must not be blank");
      }
      this.name = name;
      return this;
    }

    /** Default {@link Transport#TCP}. */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** Default {@link Facility#AUTH}. */
    public Builder facility(Facility facility) {
      this.facility = Objects.requireNonNull(facility, "facility");
      return this;
    }

    /** HOSTNAME field. Default: this machine's host name. */
    public Builder hostname(String hostname) {
      this.hostname = Objects.requireNonNull(hostname, "hostname");
      return this;
    }

    /** APP-NAME field. Default {@code breakglass}. */
    public Builder appName(String appName) {
      this.appName = Objects.requireNonNull(appName, "appName");
      return this;
    }

    /**
     * The structured-data element id, {@code name@enterprise-number}. Default
     * {@code breakglass@32473}.
     *
     * @throws IllegalArgumentException if it is not a valid SD-ID
     */
    public Builder sdId(String sdId) {
      if (sdId == null || sdId.isEmpty() || sdId.length() > 32 || !SyslogMessage.paramName(sdId).equals(sdId)) {
        throw new IllegalArgumentException("syslog SD-ID '" + sdId + "' must be 1-32 printable characters without"
            + " space, '=', ']' or '\"' (for example name@32473)");
      }
      this.sdId = sdId;
      return this;
    }

    /** Bound on connecting and on each TCP write. Default 5 s. */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("syslog timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /** Largest UDP datagram; longer messages are cut. Default 2048, at least 480 (RFC 5426). */
    public Builder maxDatagramBytes(int bytes) {
      if (bytes < 480 || bytes > 65507) {
        throw new IllegalArgumentException("syslog maxDatagramBytes must be 480-65507, was " + bytes);
      }
      this.maxDatagramBytes = bytes;
      return this;
    }

    public SyslogAlertChannel build() {
      return new SyslogAlertChannel(this);
    }
  }
}
