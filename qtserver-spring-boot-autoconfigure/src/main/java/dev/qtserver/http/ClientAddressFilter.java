package dev.qtserver.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import dev.qtserver.core.InvalidSettingException;
import org.jspecify.annotations.Nullable;

/**
 * Qt's {@code QHttpServerConfiguration} allow and deny lists: which client addresses may
 * connect, as address blocks in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}; a
 * plain address is a block of one). A denied block wins over an allowed one; with no
 * allowed block, every address not denied is allowed.
 *
 * @param allowed the blocks that may connect; empty for any
 * @param denied the blocks that may not
 */
record ClientAddressFilter(List<Block> allowed, List<Block> denied) {

	/**
	 * Parse the lists.
	 * @param allowed allowed blocks in CIDR notation
	 * @param denied denied blocks in CIDR notation
	 * @return the filter
	 * @throws InvalidSettingException when a block is not an address with an optional
	 * prefix length
	 */
	static ClientAddressFilter of(List<String> allowed, List<String> denied) {
		return new ClientAddressFilter(parse("allowedAddresses", allowed), parse("deniedAddresses", denied));
	}

	/** Whether the filter lets every address through, so there is nothing to check. */
	boolean allowsAll() {
		return this.allowed.isEmpty() && this.denied.isEmpty();
	}

	/**
	 * Return whether a client may connect.
	 * @param remote the client's socket address
	 * @return whether allowed; an address that is not an IP address is not
	 */
	boolean allows(@Nullable SocketAddress remote) {
		if (allowsAll()) {
			return true;
		}
		if (!(remote instanceof InetSocketAddress socket) || socket.getAddress() == null) {
			return false;
		}
		byte[] address = socket.getAddress().getAddress();
		if (this.denied.stream().anyMatch((block) -> block.contains(address))) {
			return false;
		}
		return this.allowed.isEmpty() || this.allowed.stream().anyMatch((block) -> block.contains(address));
	}

	private static List<Block> parse(String setting, List<String> blocks) {
		return blocks.stream().map((block) -> Block.parse(setting, block)).toList();
	}

	/**
	 * An address block: the first {@code prefixLength} bits of {@code network}.
	 *
	 * @param network the block's address bytes (4 or 16)
	 * @param prefixLength how many leading bits an address must share
	 */
	record Block(byte[] network, int prefixLength) {

		static Block parse(String setting, String text) {
			String trimmed = text.trim();
			int slash = trimmed.indexOf('/');
			String host = (slash < 0) ? trimmed : trimmed.substring(0, slash);
			byte[] network = literal(setting, text, host);
			int bits = network.length * 8;
			int prefix = bits;
			if (slash >= 0) {
				try {
					prefix = Integer.parseInt(trimmed.substring(slash + 1));
				}
				catch (NumberFormatException ex) {
					prefix = -1;
				}
				if (prefix < 0 || prefix > bits) {
					throw new InvalidSettingException(setting, text,
							"has a prefix length that is not between 0 and " + bits);
				}
			}
			return new Block(network, prefix);
		}

		private static byte[] literal(String setting, String text, String host) {
			// only literals: a host name would be looked up, which a setting must not do
			boolean literal = !host.isEmpty()
					&& (host.indexOf(':') >= 0 || host.chars().allMatch((c) -> c == '.' || Character.isDigit(c)));
			if (literal) {
				try {
					return InetAddress.getByName(host).getAddress();
				}
				catch (UnknownHostException ex) {
					// not a valid literal: refused below
				}
			}
			throw new InvalidSettingException(setting, text, "is not an IP address or a CIDR block");
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			int full = this.prefixLength / 8;
			for (int i = 0; i < full; i++) {
				if (address[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefixLength % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xFF << (8 - rest)) & 0xFF;
			return (address[full] & mask) == (this.network[full] & mask);
		}

	}

}
