/**
 * TLS on any listener, after Qt's {@code QSslServer}: SSL contexts made from Spring Boot
 * SSL bundles (client authentication, SNI, reload on certificate rotation), the handshake
 * stage every secure connection passes before its server sees it (first-byte check,
 * handshake timeout, pending-limit accounting) and the SSL signals as application events.
 */
@NullMarked
package dev.qtserver.ssl;

import org.jspecify.annotations.NullMarked;
