package dev.qtserver.core;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConnectionState} keeps why a connection closed: the first reason wins, a peer
 * that ended the connection first keeps {@link CloseReason#PEER_CLOSED}, and once the
 * close is reported its reason is final, however the threads interleave.
 */
class ConnectionStateTests {

	private final ConnectionState state = new ConnectionState(Runnable::run);

	@Test
	void whenNothingWasRecordedThenThePeerClosedTheConnection() {
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	@Test
	void whenTheServerGivesSeveralReasonsThenTheFirstWins() {
		this.state.closing(CloseReason.IDLE_TIMEOUT);
		this.state.closing(CloseReason.SERVER_SHUTDOWN);
		assertThat(this.state.whyClosed()).isEqualTo(CloseReason.IDLE_TIMEOUT);
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.IDLE_TIMEOUT);
	}

	@Test
	void whenThePeerShutDownFirstThenALaterReasonChangesNothing() {
		this.state.peerShutDown();
		this.state.closing(CloseReason.PROTOCOL_ERROR);
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	@Test
	void whenThePeerShutsDownAfterTheServerGaveAReasonThenTheReasonStays() {
		this.state.closing(CloseReason.HANDLER_ERROR);
		this.state.peerShutDown();
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.HANDLER_ERROR);
	}

	@Test
	void whenTheCloseWasSettledThenALaterReasonChangesNothing() {
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		this.state.closing(CloseReason.IDLE_TIMEOUT);
		assertThat(this.state.whyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.PEER_CLOSED);
	}

	@ParameterizedTest
	@EnumSource(value = CloseReason.class, names = { "HANDLER_ERROR", "PROTOCOL_ERROR" })
	void whenAFailureEndsAShutdownsDrainThenItsReasonReplacesTheShutdowns(CloseReason failure) {
		this.state.drainingForShutdown();
		assertThat(this.state.whyClosed()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
		this.state.closing(failure);
		this.state.closing(CloseReason.IDLE_TIMEOUT);
		assertThat(this.state.settleWhyClosed()).isEqualTo(failure);
	}

	@ParameterizedTest
	@EnumSource(value = CloseReason.class, names = { "PEER_CLOSED", "IDLE_TIMEOUT", "SERVER_CLOSED" })
	void whenAnythingButAFailureComesDuringAShutdownsDrainThenTheShutdownsReasonStays(CloseReason later) {
		this.state.drainingForShutdown();
		this.state.closing(later);
		this.state.peerShutDown();
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
	}

	@Test
	void whenAReasonWasGivenBeforeAShutdownsDrainThenItStays() {
		this.state.closing(CloseReason.IDLE_TIMEOUT);
		this.state.drainingForShutdown();
		this.state.closing(CloseReason.HANDLER_ERROR);
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.IDLE_TIMEOUT);
	}

	@Test
	void whenTheCloseOfADrainWasReportedThenAFailureChangesNothing() {
		this.state.drainingForShutdown();
		assertThat(this.state.settleWhyClosed()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
		this.state.closing(CloseReason.HANDLER_ERROR);
		assertThat(this.state.whyClosed()).isEqualTo(CloseReason.SERVER_SHUTDOWN);
	}

	@Test
	void whenAReasonRacesTheReportOfTheCloseThenTheReportedReasonIsTheOneKept() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			for (int i = 0; i < 10_000; i++) {
				ConnectionState state = new ConnectionState(Runnable::run);
				CyclicBarrier start = new CyclicBarrier(2);
				Future<?> server = threads.submit(() -> {
					start.await(5, TimeUnit.SECONDS);
					state.closing(CloseReason.IDLE_TIMEOUT);
					return null;
				});
				Future<CloseReason> report = threads.submit(() -> {
					start.await(5, TimeUnit.SECONDS);
					return state.settleWhyClosed();
				});
				server.get(5, TimeUnit.SECONDS);
				CloseReason reported = report.get(5, TimeUnit.SECONDS);
				// either may win the race; the reported reason must be the one kept
				assertThat(reported).as("round %d", i)
					.isIn(CloseReason.PEER_CLOSED, CloseReason.IDLE_TIMEOUT)
					.isEqualTo(state.whyClosed());
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}
