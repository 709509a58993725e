package dev.quench.core.store;

/**
 * A set of 128-bit hashes in two primitive arrays (open addressing, linear probing): about 32 bytes
 * per key at its fullest, no object per key. The all-zero hash is stored as {@code (0, 1)}, the
 * empty slot being {@code (0, 0)}. Not thread-safe.
 */
final class Hash128Set {

    private long[] high;
    private long[] low;
    private int size;

    Hash128Set(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        high = new long[capacity];
        low = new long[capacity];
    }

    int size() {
        return size;
    }

    boolean contains(long hi, long lo) {
        if (hi == 0 && lo == 0) {
            lo = 1;
        }
        int mask = high.length - 1;
        for (int slot = slot(hi, lo, mask); ; slot = (slot + 1) & mask) {
            if (high[slot] == hi && low[slot] == lo) {
                return true;
            }
            if (high[slot] == 0 && low[slot] == 0) {
                return false;
            }
        }
    }

    /** @return true when the hash was not in the set */
    boolean add(long hi, long lo) {
        if (hi == 0 && lo == 0) {
            lo = 1;
        }
        if ((size + 1) * 2L > high.length) {
            grow();
        }
        int mask = high.length - 1;
        for (int slot = slot(hi, lo, mask); ; slot = (slot + 1) & mask) {
            if (high[slot] == hi && low[slot] == lo) {
                return false;
            }
            if (high[slot] == 0 && low[slot] == 0) {
                high[slot] = hi;
                low[slot] = lo;
                size++;
                return true;
            }
        }
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        high = new long[oldHigh.length * 2];
        low = new long[oldLow.length * 2];
        size = 0;
        for (int index = 0; index < oldHigh.length; index++) {
            if (oldHigh[index] != 0 || oldLow[index] != 0) {
                add(oldHigh[index], oldLow[index]);
            }
        }
    }

    private static int slot(long hi, long lo, int mask) {
        // The hashes are already uniform (a digest): mixing the halves is enough.
        long mixed = hi ^ (lo * 0x9E3779B97F4A7C15L);
        return (int) (mixed ^ (mixed >>> 32)) & mask;
    }
}
