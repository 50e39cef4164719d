package dev.tune4j.data.fetch;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A package pinned by name, version and the sha256 of its archive, e.g. npm {@code llama-tokenizer-js@1.2.2}.
 *
 * @param name the package name as its registry spells it, scoped names included ({@code @scope/name})
 * @param version the exact version (no ranges or tags)
 * @param sha256 the expected sha256 of the package archive, 64 lower-case hex digits
 */
public record PackageSource(String name, String version, String sha256) {
    private static final Pattern NAME = Pattern.compile("(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*");
    private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+([-+][0-9A-Za-z.+-]+)?");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** Checks the three parts, so that a source can safely become a command argument and a directory name. */
    public PackageSource {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Package name '" + name
                    + "' is not a valid package name: use lower-case letters, digits, '.', '_' and '-', optionally"
                    + " with a scope, e.g. '@scope/name'");
        }
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("Version '" + version + "' of package " + name
                    + " is not an exact version: pin it as MAJOR.MINOR.PATCH, e.g. '1.2.2'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 '" + sha256 + "' of package " + name + "@" + version
                    + " is not 64 hex digits: compute it with `sha256sum` on the package archive");
        }
    }

    /** The package spec {@code name@version}, also the name of its cache directory. */
    public String spec() {
        return name + "@" + version;
    }

    @Override
    public String toString() {
        return spec();
    }
}
