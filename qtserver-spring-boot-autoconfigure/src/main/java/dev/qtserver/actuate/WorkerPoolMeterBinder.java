package dev.qtserver.actuate;

import java.util.concurrent.ExecutorService;

import dev.qtserver.core.WorkerPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;

/**
 * Binds Micrometer's standard executor meters ({@code executor.queued},
 * {@code executor.active}, {@code executor.pool.size}, {@code executor.completed}, ...,
 * as Spring Boot binds them for its task executors) to the worker pool that every
 * Qt-style server shares, tagged {@code name=}{@value #POOL_NAME}.
 * {@code executor.queued} is the handler work waiting for a worker: one task a connection
 * with queued messages (a connection hands its messages over in batches), not one a
 * message. The meters read the pool when the registry asks, so the hot path pays nothing
 * for them.
 *
 * <p>
 * A pool of virtual threads (when {@code spring.threads.virtual.enabled} is set) has no
 * queue of its own: each task starts a virtual thread at once, and what waits for a
 * carrier thread is inside the JDK's scheduler, which Micrometer cannot see. No meters
 * are bound then.
 */
public class WorkerPoolMeterBinder implements MeterBinder {

	/**
	 * The value of the {@code name} tag of the worker pool's {@code executor.*} meters.
	 */
	public static final String POOL_NAME = "qtserver-workers";

	/**
	 * Tasks waiting for a worker (gauge, Micrometer's name), tagged {@code name}: a
	 * connection's batch of messages, an HTTP request's handler call, an event to
	 * publish.
	 */
	public static final String QUEUED = "executor.queued";

	/** Workers running a task now (gauge, Micrometer's name), tagged {@code name}. */
	public static final String ACTIVE = "executor.active";

	private final WorkerPool workers;

	/**
	 * Create a binder.
	 * @param workers the shared worker pool
	 */
	public WorkerPoolMeterBinder(WorkerPool workers) {
		this.workers = workers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		if (this.workers.executor() instanceof ExecutorService service) {
			new ExecutorServiceMetrics(service, POOL_NAME, Tags.empty()).bindTo(registry);
		}
	}

}
