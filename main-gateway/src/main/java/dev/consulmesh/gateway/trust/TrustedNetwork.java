package dev.consulmesh.gateway.trust;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One network of {@code gateway.trust.trusted-networks}: an address and a prefix length. Parsed from
 * literals only, so a host name in the setting fails at start-up instead of being looked up in DNS.
 */
record TrustedNetwork(byte[] address, int prefix) {

    private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * @param cidr  "10.0.0.0/8", "::1/128" or a single address
     * @param where the setting, named in the error
     */
    static TrustedNetwork parse(String cidr, String where) {
        String text = cidr == null ? "" : cidr.strip();
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        if (!LITERAL.matcher(host).matches()) {
            throw new IllegalArgumentException(where + ": '" + cidr + "' is not an IP address or network in CIDR"
                    + " (e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8)");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(where + ": '" + cidr + "' is not a valid IP address", e);
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException(where + ": '" + cidr + "' has a prefix length outside 0.." + bits);
            }
        }
        return new TrustedNetwork(address, prefix);
    }

    boolean contains(InetAddress candidate) {
        byte[] other = candidate.getAddress();
        if (other.length != address.length) {
            return false; // an IPv4 network never holds an IPv6 peer, nor the other way round
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (other[full] & mask) == (address[full] & mask);
    }
}
