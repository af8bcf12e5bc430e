package dev.qtserver.core;

import java.util.ArrayList;
import java.util.List;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AcceptGate} turns the listening channel's reads off while paused or full, parks
 * what arrives meanwhile and admits it in arrival order once there is room again.
 */
class AcceptGateTests {

	private final EmbeddedChannel listening = new EmbeddedChannel();

	private final List<EmbeddedChannel> accepted = new ArrayList<>();

	private final List<Connection> admitted = new ArrayList<>();

	private int maxConnections = Integer.MAX_VALUE;

	private final AcceptGate gate = new AcceptGate(() -> this.admitted.size() < this.maxConnections,
			this.admitted::add);

	@AfterEach
	void tearDown() {
		this.listening.finishAndReleaseAll();
		this.accepted.forEach(EmbeddedChannel::finishAndReleaseAll);
	}

	@Test
	void whenAttachedWithRoomThenTheListeningChannelReads() {
		this.listening.config().setAutoRead(false);
		this.gate.attach(this.listening);
		assertThat(this.listening.config().isAutoRead()).isTrue();
	}

	@Test
	void whenAttachedWithoutRoomThenTheListeningChannelStopsReading() {
		this.maxConnections = 0;
		this.gate.attach(this.listening);
		assertThat(this.listening.config().isAutoRead()).isFalse();
	}

	@Test
	void whenPausedThenReadsStopAndWhenResumedTheyStartAgain() {
		this.gate.attach(this.listening);
		this.gate.pause();
		assertThat(this.gate.isPaused()).isTrue();
		assertThat(this.listening.config().isAutoRead()).isFalse();
		this.gate.resume();
		assertThat(this.gate.isPaused()).isFalse();
		assertThat(this.listening.config().isAutoRead()).isTrue();
	}

	@Test
	void whenOpenThenAnOfferedConnectionIsAdmittedAtOnce() {
		this.gate.attach(this.listening);
		Connection first = connection();
		Connection second = connection();
		this.gate.offer(first);
		this.gate.offer(second);
		assertThat(this.admitted).containsExactly(first, second);
		assertThat(this.listening.config().isAutoRead()).isTrue();
	}

	@Test
	void whenTheLimitIsReachedThenReadsStopAndTheNextConnectionIsParked() {
		this.maxConnections = 3;
		this.gate.attach(this.listening);
		List<Connection> offered = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			Connection connection = connection();
			offered.add(connection);
			this.gate.offer(connection);
			// N-1 admitted: still room; N admitted: full; N+1: parked, reads stay off
			assertThat(this.listening.config().isAutoRead()).as("reading after offer %d", i).isEqualTo(i < 3);
		}
		assertThat(this.admitted).containsExactlyElementsOf(offered.subList(0, 3));
	}

	@Test
	void whenRoomComesBackThenRefreshAdmitsParkedConnectionsInArrivalOrderWhileThereIsRoom() {
		this.maxConnections = 0;
		this.gate.attach(this.listening);
		Connection first = connection();
		Connection second = connection();
		Connection third = connection();
		this.gate.offer(first);
		this.gate.offer(second);
		this.gate.offer(third);
		assertThat(this.admitted).isEmpty();
		this.maxConnections = 2;
		this.gate.refresh();
		assertThat(this.admitted).containsExactly(first, second);
		assertThat(this.listening.config().isAutoRead()).isFalse();
		this.maxConnections = 3;
		this.gate.refresh();
		assertThat(this.admitted).containsExactly(first, second, third);
		assertThat(this.listening.config().isAutoRead()).isFalse();
		this.maxConnections = 4;
		this.gate.refresh();
		assertThat(this.listening.config().isAutoRead()).isTrue();
	}

	@Test
	void whenRoomComesBackWithoutARefreshThenANewConnectionQueuesBehindTheParkedOnes() {
		this.maxConnections = 0;
		this.gate.attach(this.listening);
		Connection parked = connection();
		this.gate.offer(parked);
		this.maxConnections = 10;
		Connection newcomer = connection();
		this.gate.offer(newcomer);
		assertThat(this.admitted).isEmpty();
		this.gate.refresh();
		assertThat(this.admitted).containsExactly(parked, newcomer);
	}

	@Test
	void whenPausedThenConnectionsAreParkedUntilResumed() {
		this.gate.attach(this.listening);
		this.gate.pause();
		Connection first = connection();
		Connection second = connection();
		this.gate.offer(first);
		this.gate.offer(second);
		this.gate.refresh();
		assertThat(this.admitted).isEmpty();
		this.gate.resume();
		assertThat(this.admitted).containsExactly(first, second);
		assertThat(this.listening.config().isAutoRead()).isTrue();
	}

	@Test
	void whenAParkedConnectionClosesThenItIsNeverAdmitted() {
		this.maxConnections = 0;
		this.gate.attach(this.listening);
		Connection gone = connection();
		Connection waiting = connection();
		this.gate.offer(gone);
		this.gate.offer(waiting);
		gone.dispose();
		this.maxConnections = 1;
		this.gate.refresh();
		assertThat(this.admitted).containsExactly(waiting);
	}

	@Test
	void whenDetachedThenParkedConnectionsAreClosedAndTheChannelIsNoLongerControlled() {
		this.maxConnections = 0;
		this.gate.attach(this.listening);
		Connection parked = connection();
		this.gate.offer(parked);
		this.gate.detach();
		assertThat(parked.isDisposed()).isTrue();
		this.listening.config().setAutoRead(true);
		this.gate.pause();
		assertThat(this.listening.config().isAutoRead()).isTrue();
		this.maxConnections = 1;
		this.gate.resume();
		assertThat(this.admitted).isEmpty();
	}

	@Test
	void whenNotAttachedThenTheGateStillAdmitsAndParks() {
		this.maxConnections = 1;
		Connection first = connection();
		Connection second = connection();
		this.gate.offer(first);
		this.gate.offer(second);
		assertThat(this.admitted).containsExactly(first);
		this.maxConnections = 2;
		this.gate.refresh();
		assertThat(this.admitted).containsExactly(first, second);
	}

	private Connection connection() {
		EmbeddedChannel channel = new EmbeddedChannel();
		this.accepted.add(channel);
		return Connection.from(channel);
	}

}
