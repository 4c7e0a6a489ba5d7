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
     * Returns {@code port} if it is free on the loopback and wildcard addresses, or a free port
     * chosen by the OS when {@code port} is 0.
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
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new LocalStackException(what + " port " + port + " is already in use (" + e.getMessage() + ")", e);
        }
    }
}
