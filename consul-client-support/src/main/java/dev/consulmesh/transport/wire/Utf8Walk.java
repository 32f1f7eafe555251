package dev.consulmesh.transport.wire;

import io.netty.buffer.ByteBuf;

/**
 * Walks UTF-8 text counting the UTF-16 code units it holds (JavaScript's {@code .length}, which Nest's
 * frame length counts): one per character, two for a 4-byte character (a surrogate pair). ASCII is
 * taken eight bytes at a time. A walk can stop and go on later from where it stopped.
 */
final class Utf8Walk {

    /** The high bit of each of eight bytes: set in every byte of a multi-byte UTF-8 character. */
    private static final long NON_ASCII_BITS = 0x8080808080808080L;

    private int bytes;
    private long units;

    /** Bytes walked so far. */
    int bytes() {
        return bytes;
    }

    /** Code units in the bytes walked so far. */
    long units() {
        return units;
    }

    void reset() {
        bytes = 0;
        units = 0;
    }

    /**
     * Goes on walking the text that starts at {@code start} in {@code in}, over whole characters only,
     * until {@code limit} units are counted or no more bytes (before {@code end}) hold a whole character.
     */
    void advance(ByteBuf in, int start, int end, long limit) {
        int index = start + bytes;
        long counted = units;
        while (counted < limit) {
            while (limit - counted >= Long.BYTES && end - index >= Long.BYTES
                    && (in.getLong(index) & NON_ASCII_BITS) == 0) {
                counted += Long.BYTES;
                index += Long.BYTES;
            }
            if (counted >= limit || index >= end) {
                break;
            }
            int lead = in.getByte(index) & 0xFF;
            int width;
            if (lead < 0x80) {
                width = 1;
            } else if (lead >= 0xF0) {
                width = 4;
            } else if (lead >= 0xE0) {
                width = 3;
            } else if (lead >= 0xC0) {
                width = 2;
            } else {
                width = 1; // a stray continuation byte decodes to one replacement character
            }
            if (index + width > end) {
                break; // the character's other bytes have not arrived yet
            }
            counted += width == 4 ? 2 : 1;
            index += width;
        }
        bytes = index - start;
        units = counted;
    }
}
