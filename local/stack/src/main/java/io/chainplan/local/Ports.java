package io.chainplan.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port checks for the local stack. */
final class Ports {
    private Ports() {
    }

    /**
     * Returns {@code port} if nothing listens on it on the loopback address, or a free port chosen by
     * the OS when {@code port} is 0. Sockets of an earlier run in TIME_WAIT do not count: the probe
     * binds with {@code SO_REUSEADDR}, as the broker's and the registry's own listeners do, so a port
     * is refused only while another process really holds it.
     *
     * @param port requested port, 0 for any
     * @param what what the port is for, for the message
     * @return a port that was free a moment ago
     * @throws LocalStackException if the port is in use
     */
    static int claim(int port, String what) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + " port must be in [0, 65535], was " + port);
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException(what + " port " + port + " is already in use by another process (" + e.getMessage()
                    + ")", e);
        }
    }
}
