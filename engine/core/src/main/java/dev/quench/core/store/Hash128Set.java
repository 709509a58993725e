package dev.quench.core.store;

/**
 * A set of 128-bit hashes in one primitive array (open addressing, linear probing): at most 64 bytes
 * per key (32 at its fullest), no object per key. The all-zero hash is stored as {@code (0, 1)}, the
 * empty slot being {@code (0, 0)}. Not thread-safe.
 */
final class Hash128Set {

    /** {@code [hi0, lo0, hi1, lo1, …]}: a probe reads one cache line, not one in each of two arrays. */
    private long[] slots;
    private int size;

    Hash128Set(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        slots = new long[2 * capacity];
    }

    int size() {
        return size;
    }

    boolean contains(long hi, long lo) {
        return probe(hi, nonZero(hi, lo)) >= 0;
    }

    /** @return true when the hash was not in the set */
    boolean add(long hi, long lo) {
        lo = nonZero(hi, lo);
        if ((size + 1) * 4L > slots.length) {
            grow();
        }
        int probe = probe(hi, lo);
        if (probe >= 0) {
            return false;
        }
        int slot = -probe - 1;
        slots[2 * slot] = hi;
        slots[2 * slot + 1] = lo;
        size++;
        return true;
    }

    /** The all-zero hash marks an empty slot, so it is stored as {@code (0, 1)}. */
    private static long nonZero(long hi, long lo) {
        return hi == 0 && lo == 0 ? 1 : lo;
    }

    /** The slot holding the hash, or {@code -(empty slot) - 1} where it would go. */
    private int probe(long hi, long lo) {
        long[] slots = this.slots;
        int mask = slots.length / 2 - 1;
        for (int slot = slot(hi, lo, mask); ; slot = (slot + 1) & mask) {
            long slotHi = slots[2 * slot];
            long slotLo = slots[2 * slot + 1];
            if (slotHi == hi && slotLo == lo) {
                return slot;
            }
            if (slotHi == 0 && slotLo == 0) {
                return -slot - 1;
            }
        }
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (int index = 0; index < old.length; index += 2) {
            if (old[index] != 0 || old[index + 1] != 0) {
                add(old[index], old[index + 1]);
            }
        }
    }

    private static int slot(long hi, long lo, int mask) {
        // The hashes are already uniform (a digest): mixing the halves is enough.
        long mixed = hi ^ (lo * 0x9E3779B97F4A7C15L);
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
