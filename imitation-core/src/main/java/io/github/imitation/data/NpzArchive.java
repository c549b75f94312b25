package io.github.imitation.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz}: a zip archive of {@code .npy} members, stored or deflated, as {@code np.savez} and
 * {@code np.savez_compressed} write it. Keys are the member names without {@code .npy}.
 */
public final class NpzArchive {

    /**
     * The largest member read, uncompressed. Well above any demonstration set, and a guard against a
     * small compressed file that inflates without bound.
     */
    public static final int MAX_MEMBER_BYTES = 1 << 30;

    private NpzArchive() {
    }

    /**
     * The arrays of the archive in member order. Members whose name does not end in {@code .npy} are not
     * arrays and are left out. A malformed archive or array is an {@link IllegalArgumentException} naming
     * the member; a missing or unreadable file an {@link IOException}.
     */
    public static Map<String, NpyArray> read(Path path) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory() || !name.endsWith(".npy")) {
                    continue;
                }
                String key = name.substring(0, name.length() - ".npy".length());
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readNBytes(MAX_MEMBER_BYTES + 1);
                }
                if (bytes.length > MAX_MEMBER_BYTES) {
                    throw new IllegalArgumentException("array \"" + key + "\" is larger than " + MAX_MEMBER_BYTES
                            + " bytes");
                }
                try {
                    arrays.put(key, NpyArray.parse(bytes));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("array \"" + key + "\": " + e.getMessage(), e);
                }
            }
        }
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * Writes the arrays, deflated as {@code np.savez_compressed} does, through a temporary file and a move
     * (a reader sees the old file or the whole new one).
     */
    public static void write(Path path, Map<String, NpyArray> arrays) throws IOException {
        AtomicFiles.write(path, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.setMethod(ZipOutputStream.DEFLATED);
                for (Map.Entry<String, NpyArray> array : arrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(array.getKey() + ".npy"));
                    zip.write(array.getValue().toNpyBytes());
                    zip.closeEntry();
                }
            }
        });
    }
}
