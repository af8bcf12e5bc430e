package dev.qtserver.docs.customizer;

import dev.qtserver.tcp.TcpServerCustomizer;
import io.netty.channel.ChannelOption;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KeepAliveConfiguration {

	@Bean
	TcpServerCustomizer keepAlive() {
		return (serverName, server) -> server.childOption(ChannelOption.SO_KEEPALIVE, true);
	}

}
