/**
 * Servers that only the benchmarks start (profile {@code bench}, see
 * {@code application-bench.yml} and {@code benchmarks/README.md}): the product cases that
 * the sample's own servers do not cover.
 */
@NullMarked
package dev.qtserver.sample.bench;

import org.jspecify.annotations.NullMarked;
