package dev.testvm.reconciler.steps;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * {@code spec.readiness.tcpPort}: whether the guest accepts a TCP connection from the operator.
 * A connect is bounded by {@code timeout}: a silently dropped SYN must not hold a reconcile
 * thread for the OS's minutes-long default.
 */
public class PortProbe {

    record Answer(boolean open, String detail) {}

    private final Duration timeout;

    public PortProbe(Duration timeout) {
        this.timeout = timeout;
    }

    Answer probe(String ip, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ip, port), (int) timeout.toMillis());
            return new Answer(true, "accepts connections");
        } catch (ConnectException e) {
            return new Answer(false, "refused");
        } catch (SocketTimeoutException e) {
            return new Answer(false, "no answer within " + timeout.toMillis() + " ms");
        } catch (IOException | IllegalArgumentException e) {
            return new Answer(false, "unreachable: " + e.getMessage());
        }
    }

    static String hostPort(String ip, int port) {
        return (ip != null && ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }
}
