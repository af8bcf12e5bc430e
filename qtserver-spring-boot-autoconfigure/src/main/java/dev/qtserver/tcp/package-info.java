/**
 * The TCP server ({@link dev.qtserver.tcp.QTcpServer}, after Qt's {@code QTcpServer}),
 * its accepted connections ({@link dev.qtserver.tcp.QTcpSocket}) and the framings that
 * cut a byte stream into messages.
 */
@NullMarked
package dev.qtserver.tcp;

import org.jspecify.annotations.NullMarked;
