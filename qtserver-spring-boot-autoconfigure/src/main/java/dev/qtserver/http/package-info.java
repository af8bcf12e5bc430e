/**
 * The HTTP server ({@link dev.qtserver.http.QHttpServer}, after Qt's
 * {@code QAbstractHttpServer} and {@code QHttpServer}): several listeners, handlers asked
 * in order ({@link dev.qtserver.http.HttpRequestHandler} beans and
 * {@link dev.qtserver.http.Route @Route} methods), missing and after-request handlers, on
 * Reactor Netty's {@code HttpServer} (its HTTP/1.1 and h2c codecs, limits, compression
 * and forwarded headers).
 */
@NullMarked
package dev.qtserver.http;

import org.jspecify.annotations.NullMarked;
