package dev.qtserver.autoconfigure.tcp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

import dev.qtserver.tcp.TcpFraming;
import dev.qtserver.tcp.TcpServerSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns the properties of one TCP server into its immutable settings, rejecting a bad
 * value with an exception that names the property (Boot's failure analysis turns it into
 * a clear report).
 */
final class TcpServerSettingsMapper {

	private static final Set<Integer> LENGTH_FIELD_SIZES = Set.of(1, 2, 3, 4, 8);

	private TcpServerSettingsMapper() {
	}

	static TcpServerSettings toSettings(String name, TcpServerProperties properties) {
		String prefix = "qtserver.tcp." + name + ".";
		check(prefix + "port", properties.getPort(), properties.getPort() >= 0 && properties.getPort() <= 65535,
				"must be between 0 and 65535");
		check(prefix + "listen-backlog-size", properties.getListenBacklogSize(), properties.getListenBacklogSize() > 0,
				"must be positive");
		check(prefix + "max-pending-connections", properties.getMaxPendingConnections(),
				properties.getMaxPendingConnections() > 0, "must be positive");
		check(prefix + "max-connections", properties.getMaxConnections(),
				properties.getMaxConnections() == -1 || properties.getMaxConnections() > 0,
				"must be positive, or -1 for no limit");
		Duration idle = properties.getIdleTimeout();
		check(prefix + "idle-timeout", idle, idle == null || (!idle.isNegative() && !idle.isZero()),
				"must be positive; leave it unset to never close idle connections");
		check(prefix + "delimiter", properties.getDelimiter(),
				properties.getFraming() != TcpFraming.DELIMITER || !properties.getDelimiter().isEmpty(),
				"must not be empty with delimiter framing");
		check(prefix + "length-field-length", properties.getLengthFieldLength(),
				LENGTH_FIELD_SIZES.contains(properties.getLengthFieldLength()), "must be 1, 2, 3, 4 or 8");
		long maxFrame = properties.getMaxFrameLength().toBytes();
		check(prefix + "max-frame-length", properties.getMaxFrameLength(),
				maxFrame > 0 && maxFrame <= Integer.MAX_VALUE, "must be between 1B and 2GB");
		InetAddress address = properties.getAddress();
		TcpServerSettings.Builder builder = TcpServerSettings.builder();
		if (address != null) {
			builder.address(address);
		}
		return builder.port(properties.getPort())
			.autoStartup(properties.isAutoStartup())
			.listenBacklogSize(properties.getListenBacklogSize())
			.maxPendingConnections(properties.getMaxPendingConnections())
			.maxConnections(properties.getMaxConnections())
			.idleTimeout(idle)
			.framing(properties.getFraming())
			.delimiter(properties.getDelimiter())
			.lengthFieldLength(properties.getLengthFieldLength())
			.maxFrameLength((int) maxFrame)
			.charset(properties.getCharset())
			.build();
	}

	private static void check(String property, @Nullable Object value, boolean valid, String rule) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException(property, value, "The value " + rule + ".");
		}
	}

}
