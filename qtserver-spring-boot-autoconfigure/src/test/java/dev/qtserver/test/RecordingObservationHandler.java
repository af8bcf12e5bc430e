package dev.qtserver.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.qtserver.observation.DefaultHandlerCallObservationConvention;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;

/**
 * Keeps the context of every observation that stopped, in the order they stopped.
 */
public final class RecordingObservationHandler implements ObservationHandler<Observation.Context> {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	/** A registry with this handler as its only one. */
	public ObservationRegistry registry() {
		ObservationRegistry registry = TestObservationRegistry.create();
		registry.observationConfig().observationHandler(this);
		return registry;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return true;
	}

	@Override
	public void onStop(Observation.Context context) {
		this.stopped.add(context);
	}

	/** The stopped observations of a name. */
	public List<Observation.Context> stopped(String name) {
		return this.stopped.stream().filter((context) -> name.equals(context.getName())).toList();
	}

	/** The value of a low-cardinality key, {@code (none)} when the context has none. */
	public static String key(Observation.Context context, String key) {
		KeyValue value = context.getLowCardinalityKeyValue(key);
		return (value != null) ? value.getValue() : "(none)";
	}

	/**
	 * The kinds of handler calls observed on servers of a kind, in the order they ended.
	 */
	public List<String> calls(String kind) {
		return stopped(DefaultHandlerCallObservationConvention.NAME).stream()
			.filter((context) -> kind.equals(key(context, "kind")))
			.map((context) -> key(context, "call"))
			.toList();
	}

}
