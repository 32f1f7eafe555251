package dev.consulmesh.transport.client;

import java.util.concurrent.ThreadLocalRandom;

/** Request ids shaped like Nest's: 21 lowercase hexadecimal characters. */
final class RequestIds {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong();
        long low = random.nextLong();
        char[] id = new char[21];
        for (int i = 0; i < 16; i++) {
            id[i] = HEX[(int) (high >>> (i * 4)) & 0xF];
        }
        for (int i = 16; i < 21; i++) {
            id[i] = HEX[(int) (low >>> (i * 4)) & 0xF];
        }
        return new String(id);
    }
}
