/**
 * Spring context glue: starting and stopping servers with the context, publishing bound
 * ports and binding handler beans to servers.
 */
@NullMarked
package dev.qtserver.context;

import org.jspecify.annotations.NullMarked;
