package dev.consulmesh.registration;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The address other servers reach this process by: the configured one, else the first non-loopback
 * IPv4 address of this host (interfaces that are up, in index order).
 */
public final class AdvertisedAddress {

    private AdvertisedAddress() {
    }

    public static String resolve(String configured, String propertyName) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return firstNonLoopbackIpv4().orElseThrow(() -> new IllegalStateException(
                "this host has no non-loopback IPv4 address to advertise in Consul; set " + propertyName));
    }

    static Optional<String> firstNonLoopbackIpv4() {
        try {
            List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
            interfaces.sort(Comparator.comparingInt(NetworkInterface::getIndex));
            for (NetworkInterface nic : interfaces) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return Optional.of(address.getHostAddress());
                    }
                }
            }
            return Optional.empty();
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list this host's network interfaces: " + e.getMessage(), e);
        }
    }

    /** Whether the address is a loopback address (127.0.0.0/8, ::1, localhost). */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.trim();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    /** Whether the address means every interface. */
    public static boolean isWildcard(String host) {
        return host != null && (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]"));
    }
}
