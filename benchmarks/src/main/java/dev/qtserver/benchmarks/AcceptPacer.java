package dev.qtserver.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * Keeps a client from opening connections faster than a local server accepts them. A
 * server with a short listen backlog (Qt's default is 50) silently drops handshakes
 * beyond it; the client then believes those connections are up while the server only
 * learns of them after SYN-ACK retransmits, seconds later. Counting the server's open
 * file descriptors in {@code /proc/<pid>/fd} tells how many it has really accepted.
 */
final class AcceptPacer {

	private final @Nullable Path fdDirectory;

	private final int maxUnaccepted;

	private final long baseline;

	private long accepted;

	private AcceptPacer(@Nullable Path fdDirectory, int maxUnaccepted) {
		this.fdDirectory = fdDirectory;
		this.maxUnaccepted = maxUnaccepted;
		this.baseline = countDescriptors();
	}

	/**
	 * @param serverPid the server's process id, or empty for no pacing
	 * @param maxUnaccepted how many connections may be established but not yet accepted
	 */
	static AcceptPacer forServer(String serverPid, int maxUnaccepted) {
		return new AcceptPacer(serverPid.isEmpty() ? null : Path.of("/proc", serverPid, "fd"), maxUnaccepted);
	}

	/**
	 * Whether another connection may be opened now.
	 * @param opened connections opened or being opened so far
	 */
	boolean hasRoom(int opened) {
		if (this.fdDirectory == null || opened - this.accepted < this.maxUnaccepted) {
			return true;
		}
		// listing thousands of descriptors costs milliseconds: only when the estimate
		// says full
		this.accepted = countDescriptors() - this.baseline;
		return opened - this.accepted < this.maxUnaccepted;
	}

	private long countDescriptors() {
		Path directory = this.fdDirectory;
		if (directory == null) {
			return 0;
		}
		try (Stream<Path> descriptors = Files.list(directory)) {
			return descriptors.count();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + directory + " (is the server running?)", ex);
		}
	}

}
