package dev.qtserver.benchmarks;

import java.util.Arrays;

/**
 * Round-trip latencies in nanoseconds, kept in log-linear buckets (32 per power of two,
 * so a reported percentile is within about 3 % of the true value). Recording is an array
 * increment, cheap enough for a million messages a second on the load generator's single
 * thread. Not thread-safe: only the event loop that owns it may touch it.
 */
final class LatencyHistogram {

	private static final int SUB_BUCKET_BITS = 5;

	private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;

	private final long[] counts = new long[64 << SUB_BUCKET_BITS];

	private long count;

	private long max;

	void record(long nanos) {
		long value = Math.max(0, nanos);
		this.counts[index(value)]++;
		this.count++;
		if (value > this.max) {
			this.max = value;
		}
	}

	void reset() {
		Arrays.fill(this.counts, 0);
		this.count = 0;
		this.max = 0;
	}

	long count() {
		return this.count;
	}

	long max() {
		return this.max;
	}

	/**
	 * The value at the given percentile (0 to 100): the middle of the bucket that holds
	 * it.
	 * @return nanoseconds, or 0 if nothing was recorded
	 */
	long percentile(double percentile) {
		if (this.count == 0) {
			return 0;
		}
		long rank = Math.max(1, (long) Math.ceil(this.count * percentile / 100.0));
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return Math.min(this.max, (lowerBound(i) + upperBound(i)) / 2);
			}
		}
		return this.max;
	}

	/**
	 * Values below 32 get a bucket each; above, the bucket is chosen by the position of
	 * the highest set bit and the 5 bits below it.
	 */
	static int index(long value) {
		if (value < SUB_BUCKETS) {
			return (int) value;
		}
		int shift = (63 - Long.numberOfLeadingZeros(value)) - SUB_BUCKET_BITS;
		int subBucket = (int) (value >>> shift) & (SUB_BUCKETS - 1);
		return ((shift + 1) << SUB_BUCKET_BITS) + subBucket;
	}

	static long lowerBound(int index) {
		if (index < SUB_BUCKETS) {
			return index;
		}
		int shift = (index >>> SUB_BUCKET_BITS) - 1;
		return (long) (SUB_BUCKETS + (index & (SUB_BUCKETS - 1))) << shift;
	}

	static long upperBound(int index) {
		if (index < SUB_BUCKETS) {
			return index;
		}
		int shift = (index >>> SUB_BUCKET_BITS) - 1;
		return lowerBound(index) + (1L << shift) - 1;
	}

}
