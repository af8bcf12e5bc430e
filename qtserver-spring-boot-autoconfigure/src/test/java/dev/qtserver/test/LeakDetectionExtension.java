package dev.qtserver.test;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class whose tests leaked a Netty buffer. Registered for every test class
 * through JUnit's extension auto-detection. Netty only reports a leak when a collected
 * buffer is noticed during a later allocation, so this collects garbage and allocates a
 * few times before it looks.
 */
public class LeakDetectionExtension implements AfterAllCallback {

	private static final int ROUNDS = 5;

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (!"paranoid".equalsIgnoreCase(System.getProperty("io.netty.leakDetection.level"))) {
			return;
		}
		assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
		for (int i = 0; i < ROUNDS; i++) {
			System.gc();
			Thread.sleep(20);
			allocateAndRelease(ByteBufAllocator.DEFAULT);
		}
		List<String> leaks = RecordingLeakDetector.drain();
		assertThat(leaks).as("Netty buffer leaks reported while running %s", context.getDisplayName()).isEmpty();
	}

	private static void allocateAndRelease(ByteBufAllocator allocator) {
		for (int i = 0; i < 64; i++) {
			ByteBuf direct = allocator.directBuffer(16);
			direct.release();
			ByteBuf heap = allocator.heapBuffer(16);
			heap.release();
		}
	}

}
