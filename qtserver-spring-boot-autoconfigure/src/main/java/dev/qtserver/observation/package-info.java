/**
 * Micrometer Observation for Qt-style servers: an observation per HTTP request (a trace
 * per request when tracing is on, continuing the caller's) and per handler call, behind
 * the servers' Micrometer-free observer interfaces.
 */
@NullMarked
package dev.qtserver.observation;

import org.jspecify.annotations.NullMarked;
