package org.glm4j.bench.report;

/** A case that did not produce a result on a backend, and why (unsupported, or failed with this message). */
public record Skipped(String backend, String caseName, String reason) {}
