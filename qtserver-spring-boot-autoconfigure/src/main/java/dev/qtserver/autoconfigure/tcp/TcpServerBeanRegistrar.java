package dev.qtserver.autoconfigure.tcp;

import dev.qtserver.autoconfigure.QtServerBeanRegistrar;
import dev.qtserver.core.ServerKind;
import dev.qtserver.tcp.QTcpServer;
import dev.qtserver.tcp.QTcpServerFactory;
import dev.qtserver.tcp.TcpServerSettings;

/**
 * Registers one {@link QTcpServer} bean per entry under {@code qtserver.tcp}, named
 * {@code <name>TcpServer}. A bean of that name defined by the application replaces ours.
 */
class TcpServerBeanRegistrar extends QtServerBeanRegistrar<TcpServerProperties, TcpServerSettings, QTcpServer> {

	TcpServerBeanRegistrar() {
		super(ServerKind.TCP, "TcpServer", TcpServerProperties.class, QTcpServer.class, QTcpServerFactory.class,
				TcpServerBeanRegistrar::toSettings);
	}

	private static TcpServerSettings toSettings(String name, TcpServerProperties properties) {
		return properties.applyTo(TcpServerSettings.builder())
			.framing(properties.getFraming())
			.delimiter(properties.getDelimiter())
			.lengthFieldLength(properties.getLengthFieldLength())
			.maxFrameLength(toBytes("maxFrameLength", properties.getMaxFrameLength()))
			.charset(properties.getCharset())
			.build();
	}

}
