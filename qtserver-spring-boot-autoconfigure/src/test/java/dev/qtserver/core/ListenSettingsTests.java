package dev.qtserver.core;

import java.time.Duration;
import java.util.function.UnaryOperator;

import io.netty.util.NetUtil;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link ListenSettings} checks each rule once, at the edges of its range, and names the
 * setting it rejects so that the auto-configuration can name the property.
 */
class ListenSettingsTests {

	@Test
	void whenNothingIsSetThenQtDefaultsApply() {
		ListenSettings settings = ListenSettings.builder().build();
		assertThat(settings.address().isAnyLocalAddress()).isTrue();
		assertThat(settings.port()).isZero();
		assertThat(settings.autoStartup()).isTrue();
		assertThat(settings.listenBacklogSize()).isEqualTo(NetUtil.SOMAXCONN);
		assertThat(settings.maxPendingConnections()).isEqualTo(30);
		assertThat(settings.maxConnections()).isEqualTo(-1);
		assertThat(settings.idleTimeout()).isNull();
		assertThat(settings.bindTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void whenValuesAreAtTheEdgesOfTheirRangesThenTheyAreAccepted() {
		ListenSettings settings = ListenSettings.builder()
			.port(65535)
			.listenBacklogSize(1)
			.maxPendingConnections(1)
			.maxConnections(1)
			.idleTimeout(Duration.ofNanos(1))
			.build();
		assertThat(settings.port()).isEqualTo(65535);
		assertThat(settings.maxConnections()).isOne();
	}

	@Test
	void whenAValueIsJustOutOfRangeThenTheSettingIsNamed() {
		assertRejected("port", (builder) -> builder.port(-1));
		assertRejected("port", (builder) -> builder.port(65536));
		assertRejected("listenBacklogSize", (builder) -> builder.listenBacklogSize(0));
		assertRejected("maxPendingConnections", (builder) -> builder.maxPendingConnections(0));
		assertRejected("maxConnections", (builder) -> builder.maxConnections(0));
		assertRejected("maxConnections", (builder) -> builder.maxConnections(-2));
		assertRejected("idleTimeout", (builder) -> builder.idleTimeout(Duration.ZERO));
		assertRejected("bindTimeout", (builder) -> builder.bindTimeout(Duration.ofSeconds(-1)));
	}

	private static void assertRejected(String setting, UnaryOperator<ListenSettings.Builder> change) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> change.apply(ListenSettings.builder()).build())
			.satisfies((ex) -> assertThat(ex.getSetting()).isEqualTo(setting))
			.satisfies((ex) -> assertThat(ex.getMessage()).startsWith(setting + " must"));
	}

}
