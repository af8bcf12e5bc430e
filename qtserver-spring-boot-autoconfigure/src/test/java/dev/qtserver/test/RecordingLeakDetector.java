package dev.qtserver.test;

import java.util.ArrayList;
import java.util.List;

import io.netty.util.ResourceLeakDetector;

/**
 * A Netty leak detector that records every leak report so that
 * {@link LeakDetectionExtension} can fail the test run; Netty's own detector only logs.
 * Installed with the system property {@code io.netty.customResourceLeakDetector}.
 *
 * @param <T> the tracked resource type
 */
public class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {

	private static final List<String> leaks = new ArrayList<>();

	@SuppressWarnings("deprecation")
	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
		super(resourceType, samplingInterval, maxActive);
	}

	public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
		super(resourceType, samplingInterval);
	}

	@Override
	protected void reportTracedLeak(String resourceType, String records) {
		record("LEAK: " + resourceType + records);
		super.reportTracedLeak(resourceType, records);
	}

	@Override
	protected void reportUntracedLeak(String resourceType) {
		record("LEAK: " + resourceType + " (untraced)");
		super.reportUntracedLeak(resourceType);
	}

	@Override
	protected boolean needReport() {
		return true;
	}

	private static synchronized void record(String report) {
		leaks.add(report);
	}

	/**
	 * Return the leaks reported so far and forget them.
	 * @return the reports
	 */
	public static synchronized List<String> drain() {
		List<String> reports = new ArrayList<>(leaks);
		leaks.clear();
		return reports;
	}

}
