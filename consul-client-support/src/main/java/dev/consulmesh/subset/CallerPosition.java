package dev.consulmesh.subset;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Where one caller stands among the callers of a service: the {@code index}-th of {@code count}, in the
 * order of their ids. Every caller reads the same list from Consul, so the positions are distinct and
 * cover 0..count-1 without any coordination beyond Consul itself.
 *
 * @param index  0..count-1
 * @param count  how many callers share the service
 * @param listed whether the position comes from Consul's list of callers (false: {@link #hashed})
 */
public record CallerPosition(int index, int count, boolean listed) {

    /** How finely a caller that Consul does not list yet places itself on the ring. */
    static final int HASHED_SLOTS = 1 << 16;

    public CallerPosition {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("caller position " + index + " of " + count);
        }
    }

    /**
     * The caller's position in Consul's list of callers (sorted here, so every caller sorts alike);
     * when the list does not hold it (not registered yet, or registration refused), {@link #hashed}.
     */
    public static CallerPosition among(List<String> callerIds, String self) {
        List<String> sorted = callerIds.stream().distinct().sorted().toList();
        int index = sorted.indexOf(self);
        return index < 0 ? hashed(self) : new CallerPosition(index, sorted.size(), true);
    }

    /**
     * A stable position from the caller's id alone, for a caller Consul does not list: a slot out of
     * {@value #HASHED_SLOTS}. Many such callers spread over the ring only as evenly as their hashes do.
     */
    public static CallerPosition hashed(String self) {
        CRC32 crc = new CRC32();
        crc.update(self.getBytes(StandardCharsets.UTF_8));
        return new CallerPosition((int) (crc.getValue() % HASHED_SLOTS), HASHED_SLOTS, false);
    }
}
