package io.github.imitation.env;

/** The integers {@code start, ..., start + n - 1}. */
public record Discrete(int n, int start) implements Space {

    public Discrete {
        if (n <= 0) {
            throw new IllegalArgumentException("Discrete space needs n > 0, got " + n);
        }
    }

    public Discrete(int n) {
        this(n, 0);
    }

    public boolean contains(long action) {
        return action >= start && action < (long) start + n;
    }

    @Override
    public int flatSize() {
        return 1;
    }

    @Override
    public String toString() {
        return start == 0 ? "Discrete(" + n + ")" : "Discrete(" + n + ", start=" + start + ")";
    }
}
