/**
 * Spring application events, one class per Qt server signal.
 */
@NullMarked
package dev.qtserver.event;

import org.jspecify.annotations.NullMarked;
