package io.github.imitation.algo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last 4,096 batches a learner took: a batch seen again (a redelivery after a consumer restart
 * or rebalance) is recognised and dropped. Not thread-safe.
 */
public final class SeenBatches {

    private static final int REMEMBERED = 4096;

    private final Map<String, Boolean> ids = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** Records {@code batchId}; true if it was seen before. */
    public boolean seenBefore(String batchId) {
        return ids.put(batchId, Boolean.TRUE) != null;
    }
}
