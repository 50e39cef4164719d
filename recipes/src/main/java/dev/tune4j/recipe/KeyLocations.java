package dev.tune4j.recipe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Where each key path of a bound recipe came from, and which paths failed to bind, so that the validator can point at
 * the right line and stay quiet about values the binder already reported. Paths read {@code variants[2].options.lr}.
 */
final class KeyLocations {
    private final Map<String, SourceLocation> locations = new HashMap<>();
    private final Set<String> failed = new HashSet<>();

    /** {@code parent.key}, or {@code key} at the top. */
    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code parent[index]}. */
    static String item(String parent, int index) {
        return parent + "[" + index + "]";
    }

    void put(String path, SourceLocation location) {
        locations.put(path, location);
    }

    void markFailed(String path) {
        failed.add(path);
    }

    /** The location of {@code path}, or of its nearest ancestor that has one (a defaulted key: its mapping). */
    SourceLocation of(String path) {
        for (String at = path; ; at = parent(at)) {
            SourceLocation location = locations.get(at);
            if (location != null) {
                return location;
            }
            if (at.isEmpty()) {
                throw new IllegalStateException("no location recorded for the recipe root");
            }
        }
    }

    /** Whether {@code path} itself was in the recipe (not defaulted). */
    boolean has(String path) {
        return locations.containsKey(path);
    }

    /**
     * Whether the recipe (its file or an override) wrote the key at {@code path}, rather than leaving it to its default
     * or leaving an optional key out: a left-out key is recorded at the location of its mapping.
     */
    boolean written(String path) {
        SourceLocation own = locations.get(path);
        return own != null && !own.equals(locations.get(parent(path)));
    }

    /** Whether {@code path} or one of its ancestors failed to bind (its value is a placeholder). */
    boolean failed(String path) {
        for (String at = path; ; at = parent(at)) {
            if (failed.contains(at)) {
                return true;
            }
            if (at.isEmpty()) {
                return false;
            }
        }
    }

    private static String parent(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
