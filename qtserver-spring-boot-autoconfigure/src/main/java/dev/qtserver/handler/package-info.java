/**
 * Handler annotations ({@link dev.qtserver.handler.QtHandler} and friends) and the
 * machinery that validates and invokes annotated handler methods.
 */
@NullMarked
package dev.qtserver.handler;

import org.jspecify.annotations.NullMarked;
